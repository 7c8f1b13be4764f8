-- Run history at scale: the indexes behind job_history / job_errors search per tenant, database and
-- action, and run retention per tenant. The table stays one heap; see
-- docs/decisions/0017-20261126-run-history-storage.md for why it is not partitioned by time.

-- Newest first over the whole tenant (and the age rule of retention), with the run id as the
-- tie-breaker of keyset paging.
create index action_run_tenant_time on action_run (tenant_id, scheduled_for desc, id desc);
-- Newest first over one database.
create index action_run_database_time
    on action_run (tenant_id, database_id, scheduled_for desc, id desc);
-- job_errors: failures are a small part of all runs, so searching them (by SQLSTATE or by text in
-- the error) reads only this index's rows.
create index action_run_errors
    on action_run (tenant_id, scheduled_for desc, id desc)
    where status in ('FAILED', 'TIMED_OUT', 'CRASHED');
-- Text in the error: a trigram index over message, DETAIL and HINT of failures, so a search for
-- words that match few runs does not read every failure of a big team. pg_trgm is a trusted
-- contrib extension (PostgreSQL 13+): the database owner may create it.
create extension if not exists pg_trgm;
create index action_run_error_text
    on action_run using gin (
        (coalesce(message, '') || ' | ' || coalesce(detail, '') || ' | ' || coalesce(hint, ''))
        gin_trgm_ops)
    where status in ('FAILED', 'TIMED_OUT', 'CRASHED');
-- The per-action history index gets the tie-breaker too (a slot is unique per action, but the
-- keyset condition names both columns).
drop index action_run_history;
create index action_run_history
    on action_run (tenant_id, action_id, scheduled_for desc, id desc);

-- Retention, per tenant: runs older than the age, and runs of an action beyond the newest count,
-- are deleted by the background job. Null switches a rule off.
alter table tenant
    add column run_retention_age interval default interval '90 days'
        constraint run_retention_age_range
        check (run_retention_age between interval '1 day' and interval '3660 days'),
    add column run_retention_count integer default 10000
        constraint run_retention_count_range
        check (run_retention_count between 10 and 10000000),
    add column run_retention_changed_at timestamptz,
    add column run_retention_changed_by text;

-- The retention job works across tenants, so it cannot run under one tenant's policy: these run as
-- the owner, delete at most p_batch runs per call (one short transaction each), never a run that
-- is still claimed, and return how many they deleted.
create function hourglass_prune_runs_by_age(p_now timestamptz, p_batch integer)
    returns integer
    language sql
    security definer
    set search_path = pg_catalog, public
    as $$
    with doomed as (
        select r.id
          from tenant t
          cross join lateral (
              select x.id
                from action_run x
               where x.tenant_id = t.id
                 and x.scheduled_for < p_now - t.run_retention_age
                 and x.status <> 'CLAIMED'
               limit p_batch) r
         where t.run_retention_age is not null
         limit p_batch
    ), gone as (
        delete from action_run r using doomed d where r.id = d.id returning 1
    )
    select count(*)::integer from gone
    $$;

create function hourglass_prune_runs_by_count(p_batch integer)
    returns integer
    language sql
    security definer
    set search_path = pg_catalog, public
    as $$
    with crowded as (
        -- total_runs only grows, so it is a cheap first filter: an action with fewer runs than the
        -- limit ever made cannot have too many.
        select a.id as action_id, a.tenant_id, t.run_retention_count as keep
          from action a join tenant t on t.id = a.tenant_id
         where t.run_retention_count is not null and a.total_runs > t.run_retention_count
    ), cut as (
        select c.action_id, c.tenant_id, k.scheduled_for as oldest_kept
          from crowded c
          cross join lateral (
              select x.scheduled_for
                from action_run x
               where x.tenant_id = c.tenant_id and x.action_id = c.action_id
               order by x.scheduled_for desc, x.id desc
              offset c.keep - 1 limit 1) k
    ), doomed as (
        select r.id
          from cut c
          cross join lateral (
              select x.id
                from action_run x
               where x.tenant_id = c.tenant_id and x.action_id = c.action_id
                 and x.scheduled_for < c.oldest_kept and x.status <> 'CLAIMED'
               limit p_batch) r
         limit p_batch
    ), gone as (
        delete from action_run r using doomed d where r.id = d.id returning 1
    )
    select count(*)::integer from gone
    $$;

revoke all on function hourglass_prune_runs_by_age(timestamptz, integer) from public;
revoke all on function hourglass_prune_runs_by_count(integer) from public;
grant execute on function hourglass_prune_runs_by_age(timestamptz, integer) to "${appRole}";
grant execute on function hourglass_prune_runs_by_count(integer) to "${appRole}";
