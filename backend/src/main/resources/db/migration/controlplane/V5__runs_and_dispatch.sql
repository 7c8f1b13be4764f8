-- Dispatch (issue 5): the nodes that run actions, the runs they make, and the statistics TimescaleDB
-- keeps in job_stats. See docs/decisions/0012-20261126-dispatch.md.

-- Every app instance registers here and beats every few seconds; a node whose last beat is older
-- than the node time-out is dead, and the crash sweep settles its runs. Holds no tenant data.
create table hourglass_node (
    id            text primary key,
    host          text not null,
    started_at    timestamptz not null,
    heartbeat_at  timestamptz not null,
    stopped_at    timestamptz
);
grant select, insert, update on hourglass_node to "${appRole}";

-- job_stats, kept on the action so the dashboard never aggregates the history.
alter table action
    add column current_run            bigint,
    add column consecutive_crashes    integer not null default 0,
    add column total_runs             bigint not null default 0,
    add column total_successes        bigint not null default 0,
    add column total_failures         bigint not null default 0,
    add column total_crashes          bigint not null default 0,
    add column last_run_started_at    timestamptz,
    add column last_finish            timestamptz,
    add column last_successful_finish timestamptz,
    add column last_run_status        text,
    add column last_run_duration_us   bigint;
alter table action add constraint action_tenant_id unique (tenant_id, id);
create index action_in_flight on action (tenant_id) where current_run is not null;

-- One row per run. A run is CLAIMED by a node from the moment it is planned until its outcome is
-- recorded; the pair (action, scheduled_for) is unique, so a slot can never run twice.
create table action_run (
    id             bigint generated always as identity primary key,
    tenant_id      uuid not null,
    action_id      uuid not null,
    database_id    uuid not null,
    job_id         integer not null,
    scheduled_for  timestamptz not null,
    attempt        integer not null check (attempt >= 1),
    status         text not null
                   check (status in ('CLAIMED', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'CRASHED')),
    node           text not null,
    claimed_at     timestamptz not null,
    started_at     timestamptz,
    finished_at    timestamptz,
    sqlstate       text,
    message        text,
    detail         text,
    hint           text,
    notices        jsonb,
    config         jsonb,
    constraint action_run_once_per_slot unique (action_id, scheduled_for),
    constraint action_run_of_tenant_action
        foreign key (tenant_id, action_id) references action (tenant_id, id)
);
create index action_run_history on action_run (tenant_id, action_id, scheduled_for desc);
create index action_run_claimed on action_run (node) where status = 'CLAIMED';

alter table action_run enable row level security;
create policy action_run_of_tenant on action_run for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());
grant select, insert, update, delete on action_run to "${appRole}";

-- Claims the runs due up to p_until for node p_node: one run per due action that has none going,
-- oldest slot first, at most p_tenant_queue unfinished runs per tenant (so a tenant with a backlog
-- or a hanging database cannot take every claim), at most p_limit in all. Claims from all nodes
-- take turns (advisory lock), so the per-tenant bound holds across nodes. Runs as the owner because
-- it reads every tenant's actions; it returns only what the node needs to run them.
create function hourglass_claim_runs(p_node text, p_now timestamptz, p_until timestamptz,
                                     p_limit integer, p_tenant_queue integer)
    returns table (run_id bigint, tenant_id uuid, action_id uuid, database_id uuid,
                   job_id integer, scheduled_for timestamptz, attempt integer,
                   routine_schema text, routine_name text, routine_kind text, config text,
                   max_runtime_ms bigint)
    language plpgsql volatile security definer
    set search_path = public, pg_temp
    as $$
begin
    perform pg_advisory_xact_lock(7286005);
    return query
    with in_flight as (
        select a.tenant_id, count(*) as n
          from action a
         where a.current_run is not null
         group by a.tenant_id
    ), due as (
        select a.id, a.next_start,
               row_number() over (partition by a.tenant_id order by a.next_start, a.job_id) as rank,
               coalesce(f.n, 0) as busy
          from action a
          left join in_flight f on f.tenant_id = a.tenant_id
         where a.archived_at is null and a.scheduled and a.current_run is null
           and a.next_start <= p_until
           and coalesce(f.n, 0) < p_tenant_queue
           and not exists (select 1 from action_run r
                            where r.action_id = a.id and r.scheduled_for = a.next_start)
    ), picked as (
        select d.id
          from due d
         where d.rank <= p_tenant_queue - d.busy
         order by d.next_start, d.rank
         limit p_limit
    ), locked as (
        -- The picked actions as they are now, locked: one that a person is changing right now is
        -- left for the next claim, and one paused, deleted or moved meanwhile is not claimed.
        select a.id, a.tenant_id, a.database_id, a.job_id, a.next_start,
               a.consecutive_failures + 1 as attempt, a.routine_schema, a.routine_name,
               a.routine_kind, a.config,
               (extract(epoch from a.max_runtime) * 1000)::bigint as max_runtime_ms
          from action a
         where a.id in (select p.id from picked p)
           and a.archived_at is null and a.scheduled and a.current_run is null
           and a.next_start <= p_until
           for update skip locked
    ), runs as (
        insert into action_run (tenant_id, action_id, database_id, job_id, scheduled_for, attempt,
                                status, node, claimed_at, config)
        select l.tenant_id, l.id, l.database_id, l.job_id, l.next_start, l.attempt, 'CLAIMED',
               p_node, p_now, l.config
          from locked l
        returning action_run.id, action_run.action_id
    ), marked as (
        update action a set current_run = r.id
          from runs r
         where a.id = r.action_id
        returning a.id, a.current_run
    )
    select m.current_run, l.tenant_id, l.id, l.database_id, l.job_id, l.next_start, l.attempt,
           l.routine_schema, l.routine_name, l.routine_kind, l.config::text, l.max_runtime_ms
      from marked m join locked l on l.id = m.id;
end
$$;
revoke all on function hourglass_claim_runs(text, timestamptz, timestamptz, integer, integer)
    from public;
grant execute on function hourglass_claim_runs(text, timestamptz, timestamptz, integer, integer)
    to "${appRole}";

-- The unfinished runs of nodes that stopped beating (or stopped cleanly with runs left), for the
-- crash sweep, which settles each in its tenant's scope.
create function hourglass_orphaned_runs(p_dead_before timestamptz)
    returns table (run_id bigint, tenant_id uuid, node text, scheduled_for timestamptz,
                   last_heartbeat timestamptz)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select r.id, r.tenant_id, r.node, r.scheduled_for, n.heartbeat_at
          from action_run r
          left join hourglass_node n on n.id = r.node
         where r.status = 'CLAIMED'
           and (n.id is null or n.heartbeat_at < p_dead_before or n.stopped_at is not null)
    $$;
revoke all on function hourglass_orphaned_runs(timestamptz) from public;
grant execute on function hourglass_orphaned_runs(timestamptz) to "${appRole}";
