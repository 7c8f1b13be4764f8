-- Failure alerts by mail (issue 7). See docs/decisions/0013-20261126-alerts.md.

-- The team's time zone: alert mails give every time in it. An IANA zone id, checked by the app.
alter table tenant add column time_zone text not null default 'UTC'
    check (length(time_zone) between 1 and 64);

-- When to alert and whom. One row per scope: the team's default (no database, no action), a
-- database's override or an action's override. The most specific row wins as a whole.
create table alert_rule (
    tenant_id            uuid not null references tenant (id) on delete cascade,
    database_id          uuid references target_database (id) on delete cascade,
    action_id            uuid,
    on_failure           boolean not null,
    -- Alert when this many failures in a row are reached; null: off.
    consecutive_failures integer check (consecutive_failures between 2 and 1000),
    on_disable           boolean not null,
    on_timeout           boolean not null,
    on_missed            boolean not null,
    late_after_seconds   integer not null check (late_after_seconds between 0 and 604800),
    down_after_seconds   integer not null check (down_after_seconds between 60 and 2592000),
    on_unreachable       boolean not null,
    on_recovery          boolean not null,
    quiet_minutes        integer not null check (quiet_minutes between 0 and 10080),
    digest               boolean not null,
    recipient_roles      text[] not null,
    recipient_emails     text[] not null,
    updated_at           timestamptz not null,
    updated_by           text not null,
    check (database_id is null or action_id is null),
    check (down_after_seconds > late_after_seconds),
    constraint alert_rule_of_tenant_action
        foreign key (tenant_id, action_id) references action (tenant_id, id) on delete cascade
);
create unique index alert_rule_default on alert_rule (tenant_id)
    where database_id is null and action_id is null;
create unique index alert_rule_database on alert_rule (database_id) where database_id is not null;
create unique index alert_rule_action on alert_rule (action_id) where action_id is not null;

-- Something that happened and is worth a mail, written in the same transaction as its cause (the
-- run's outcome, the sweep's finding). It keeps the facts as they were then.
create table alert_event (
    id                   bigint generated always as identity primary key,
    tenant_id            uuid not null references tenant (id) on delete cascade,
    kind                 text not null check (kind in ('FAILED', 'CONSECUTIVE_FAILURES',
                              'AUTO_DISABLED', 'TIMED_OUT', 'LATE', 'DOWN', 'UNREACHABLE',
                              'RECOVERED', 'TEST')),
    -- 'action:<id>' or 'database:<id>' or 'test': what the problem is about.
    subject              text not null,
    action_id            uuid,
    database_id          uuid,
    run_id               bigint,
    occurred_at          timestamptz not null,
    run_status           text,
    attempt              integer,
    consecutive_failures integer,
    next_start           timestamptz,
    disabled_reason      text,
    last_success         timestamptz,
    due_at               timestamptz,
    sqlstate             text,
    message              text,
    detail               text,
    hint                 text
);
create index alert_event_by_subject on alert_event (tenant_id, subject, occurred_at desc);
-- A missed slot is alerted once per level (Late, then Down).
create unique index alert_event_missed_once on alert_event (action_id, kind, due_at)
    where kind in ('LATE', 'DOWN');

-- One mail per event and recipient (the unique pair), sent by the outbox worker with retries.
-- Every attempt's result is kept here: attempts, the last error, when it was sent or given up.
create table alert_delivery (
    id               bigint generated always as identity primary key,
    tenant_id        uuid not null references tenant (id) on delete cascade,
    event_id         bigint not null references alert_event (id) on delete cascade,
    recipient        text not null,
    digest           boolean not null,
    created_at       timestamptz not null,
    next_attempt_at  timestamptz not null,
    attempts         integer not null default 0,
    last_attempt_at  timestamptz,
    last_error       text,
    sent_at          timestamptz,
    given_up_at      timestamptz,
    constraint alert_delivery_once unique (event_id, recipient)
);
create index alert_delivery_due on alert_delivery (next_attempt_at)
    where sent_at is null and given_up_at is null;
create index alert_delivery_recent on alert_delivery (tenant_id, created_at desc);

-- The quiet period: when a kind of problem was last alerted for a subject.
create table alert_quiet (
    tenant_id        uuid not null references tenant (id) on delete cascade,
    subject          text not null,
    kind             text not null,
    last_alerted_at  timestamptz not null,
    primary key (tenant_id, subject, kind)
);

-- Problems alerted and not yet over: a recovery mail is owed when the subject is well again.
create table alert_open (
    tenant_id  uuid not null references tenant (id) on delete cascade,
    subject    text not null,
    kind       text not null,
    opened_at  timestamptz not null,
    primary key (tenant_id, subject)
);

alter table alert_rule enable row level security;
alter table alert_event enable row level security;
alter table alert_delivery enable row level security;
alter table alert_quiet enable row level security;
alter table alert_open enable row level security;
create policy alert_rule_of_tenant on alert_rule for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());
create policy alert_event_of_tenant on alert_event for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());
create policy alert_delivery_of_tenant on alert_delivery for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());
create policy alert_quiet_of_tenant on alert_quiet for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());
create policy alert_open_of_tenant on alert_open for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());
grant select, insert, update, delete on alert_rule, alert_event, alert_delivery, alert_quiet,
    alert_open to "${appRole}";

-- What the alert sweep looks at across tenants (ids only): actions overdue and not claimed
-- (candidates for Late and Down), databases unreachable, and databases reachable again while an
-- unreachable alert is open. Each is then handled in its tenant's scope.
create function hourglass_alert_sweep(p_now timestamptz)
    returns table (tenant_id uuid, finding text, action_id uuid, database_id uuid,
                   due_at timestamptz)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select a.tenant_id, 'OVERDUE', a.id, a.database_id, a.next_start
          from action a
         where a.archived_at is null and a.scheduled and a.current_run is null
           and a.next_start < p_now
        union all
        select d.tenant_id, 'UNREACHABLE', null, d.id, d.status_since
          from target_database d
         where d.archived_at is null and d.reachable = false
        union all
        select d.tenant_id, 'REACHABLE', null, d.id, d.status_since
          from alert_open o
          join target_database d on o.subject = 'database:' || d.id
         where d.reachable or d.archived_at is not null
    $$;
revoke all on function hourglass_alert_sweep(timestamptz) from public;
grant execute on function hourglass_alert_sweep(timestamptz) to "${appRole}";

-- Takes the deliveries due for sending, across tenants, leasing them until p_lease_until so no
-- other node sends them meanwhile. Returns ids only; the mail is built in the tenant's scope.
create function hourglass_claim_alert_deliveries(p_now timestamptz, p_lease_until timestamptz,
                                                 p_limit integer)
    returns table (tenant_id uuid, id bigint)
    language sql volatile security definer
    set search_path = public, pg_temp
    as $$
        update alert_delivery d set next_attempt_at = p_lease_until
         where d.id in (select x.id from alert_delivery x
                         where x.sent_at is null and x.given_up_at is null
                           and x.next_attempt_at <= p_now
                         order by x.tenant_id, x.recipient, x.id
                         limit p_limit
                         for update skip locked)
        returning d.tenant_id, d.id
    $$;
revoke all on function hourglass_claim_alert_deliveries(timestamptz, timestamptz, integer)
    from public;
grant execute on function hourglass_claim_alert_deliveries(timestamptz, timestamptz, integer)
    to "${appRole}";
