-- Actions: TimescaleDB's user-defined actions, hosted by Hourglass (issue 4). One row per action;
-- the schedule columns mirror add_job / alter_job. Removed actions are archived, never deleted, so
-- their run history stays readable.

-- Job ids as TimescaleDB gives them to user-defined actions: integers from 1000 on.
create sequence action_job_id start with 1000;

create table action (
    id                   uuid primary key,
    job_id               integer not null unique default nextval('action_job_id'),
    tenant_id            uuid not null references tenant (id) on delete cascade,
    database_id          uuid not null references target_database (id),
    job_name             text not null check (length(btrim(job_name)) between 1 and 128),
    routine_schema       text not null,
    routine_name         text not null,
    routine_kind         text not null check (routine_kind in ('PROCEDURE', 'FUNCTION')),
    config               jsonb,
    check_schema         text,
    check_name           text,
    -- Exactly one of an interval (TimescaleDB's schedule_interval) and a cron expression.
    schedule_interval    interval,
    cron                 text,
    initial_start        timestamptz,
    fixed_schedule       boolean not null default true,
    timezone             text,
    scheduled            boolean not null default true,
    max_runtime          interval not null default '0',
    max_retries          integer not null default -1 check (max_retries >= -1),
    retry_period         interval not null default '5 minutes',
    -- null while paused (TimescaleDB's next_start = 'infinity') or unscheduled.
    next_start           timestamptz,
    consecutive_failures integer not null default 0,
    disabled_reason      text,
    created_at           timestamptz not null,
    created_by           text not null references person (subject),
    updated_at           timestamptz not null,
    version              integer not null default 1,
    archived_at          timestamptz,
    archived_by          text references person (subject),
    check ((schedule_interval is null) <> (cron is null)),
    check ((check_schema is null) = (check_name is null))
);

create unique index action_name_per_tenant on action (tenant_id, lower(job_name))
    where archived_at is null;
create index action_by_database on action (tenant_id, database_id) where archived_at is null;
create index action_due on action (next_start) where archived_at is null and scheduled;

alter table action enable row level security;
create policy action_of_tenant on action for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());

grant select, insert, update on action to "${appRole}";
grant usage on sequence action_job_id to "${appRole}";
