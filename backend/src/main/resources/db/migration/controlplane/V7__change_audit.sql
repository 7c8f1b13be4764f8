-- The change audit: who changed what in a team, when, from which address, with the fields before
-- and after (secrets masked before they get here). See docs/decisions/0014-20261126-change-audit.md.
--
-- Append-only for the app: ${appRole} may insert and read rows of the tenant in use, nothing else
-- (no update, delete or truncate grant). A trigger refuses update, delete and truncate for every
-- role, the owner included, so a purge is a deliberate act of an operator (disable the trigger in
-- the same transaction). tenant_id carries no foreign key on purpose: the audit outlives the team.

create table audit_event (
    id             bigint generated always as identity primary key,
    -- null only for the sign-in of a person who belongs to no team (yet)
    tenant_id      uuid,
    occurred_at    timestamptz not null,
    actor_subject  text not null check (length(actor_subject) between 1 and 255),
    actor_name     text not null check (length(actor_name) <= 255),
    remote_address text check (length(remote_address) <= 64),
    kind           text not null check (kind ~ '^[A-Z_]{1,40}$'),
    operation      text not null check (operation ~ '^[a-z_]{1,40}$'),
    object_id      text check (length(object_id) <= 255),
    object_name    text check (length(object_name) <= 255),
    before         jsonb,
    after          jsonb,
    check (tenant_id is not null or kind = 'SIGN_IN')
);

-- The viewer's filters, each newest first within a team.
create index audit_event_by_time on audit_event (tenant_id, occurred_at desc, id desc);
create index audit_event_by_actor on audit_event (tenant_id, actor_subject, occurred_at desc, id desc);
create index audit_event_by_kind on audit_event (tenant_id, kind, occurred_at desc, id desc);
create index audit_event_by_object on audit_event (tenant_id, object_id, occurred_at desc, id desc);

create function hourglass_audit_is_append_only() returns trigger
    language plpgsql
    as $$
    begin
        raise exception 'The audit is append-only: % on audit_event is refused', tg_op
            using errcode = '42501';
    end
    $$;

create trigger audit_event_append_only before update or delete on audit_event
    for each row execute function hourglass_audit_is_append_only();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function hourglass_audit_is_append_only();

alter table audit_event enable row level security;

-- Read: the rows of the tenant in use.
create policy audit_event_read on audit_event for select using (tenant_id = hourglass_tenant());

-- Write: into the tenant in use; a sign-in also into each team the person belongs to (it is
-- recorded once per team, in one statement, before any team is chosen), or into no team at all.
create policy audit_event_write on audit_event for insert with check (
    tenant_id = hourglass_tenant()
    or (kind = 'SIGN_IN'
        and actor_subject = hourglass_subject()
        and (tenant_id is null
             or exists (select 1 from membership m
                         where m.tenant_id = audit_event.tenant_id
                           and m.subject = hourglass_subject()))));

grant select, insert on audit_event to "${appRole}";
