-- Tenancy made real: invitations, the database fleet, and row-level security as the second wall
-- behind the services' own tenant checks. See docs/decisions/0007-20261126-tenant-isolation.md.
--
-- Migrations run as the owner role (HOURGLASS_DB_USER). The app's requests run as ${appRole}
-- (HOURGLASS_DB_APP_USER), which owns nothing, is no superuser and cannot bypass RLS, so every
-- query it makes sees only rows of the tenant and person set for its transaction.

alter table tenant add column renamed_at timestamptz;

create table invitation (
    id          uuid primary key,
    tenant_id   uuid not null references tenant (id) on delete cascade,
    email       text not null check (email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
    role        text not null check (role in ('OWNER', 'ADMIN', 'EDITOR', 'VIEWER')),
    token_hash  bytea not null unique,
    invited_by  text not null references person (subject),
    created_at  timestamptz not null,
    expires_at  timestamptz not null,
    accepted_at timestamptz,
    accepted_by text references person (subject),
    revoked_at  timestamptz,
    revoked_by  text references person (subject)
);

-- At most one open invitation per address and tenant.
create unique index invitation_open_per_email on invitation (tenant_id, lower(email))
    where accepted_at is null and revoked_at is null;

-- A registered target database. The password is sealed by SecretBox (AES-256-GCM, key id inside
-- the sealed value and in password_key_id, context bound to this row's id and tenant).
create table target_database (
    id                    uuid primary key,
    tenant_id             uuid not null references tenant (id) on delete cascade,
    name                  text not null check (length(btrim(name)) between 1 and 80),
    host                  text not null check (length(host) between 1 and 253),
    port                  integer not null check (port between 1 and 65535),
    database_name         text not null check (length(database_name) between 1 and 63),
    username              text not null check (length(username) between 1 and 63),
    password_sealed       bytea not null,
    password_key_id       text not null,
    ssl_mode              text not null check (ssl_mode in ('DISABLE', 'PREFER', 'REQUIRE', 'VERIFY_CA', 'VERIFY_FULL')),
    ca_certificate        text,
    environment           text not null default '' check (length(environment) <= 40),
    created_at            timestamptz not null,
    created_by            text not null references person (subject),
    updated_at            timestamptz not null,
    version               integer not null default 1,
    archived_at           timestamptz,
    archived_by           text references person (subject),
    -- Reachability and capabilities, refreshed by the fleet monitor and on demand.
    reachable             boolean,
    status_since          timestamptz,
    last_check_at         timestamptz,
    last_problem          text,
    last_message          text,
    server_version        text,
    server_version_num    integer,
    timescaledb_version   text,
    pg_cron_version       text,
    cron_database_name    text,
    can_create_procedures boolean
);

create unique index target_database_name_per_tenant on target_database (tenant_id, lower(name))
    where archived_at is null;
create index target_database_by_tenant on target_database (tenant_id) where archived_at is null;

-- The transaction's tenant and person, set by the services with set_config(..., true).
create function hourglass_tenant() returns uuid
    language sql stable
    as $$ select nullif(current_setting('hourglass.tenant', true), '')::uuid $$;

create function hourglass_subject() returns text
    language sql stable
    as $$ select nullif(current_setting('hourglass.subject', true), '') $$;

-- Invitation links are opened by people who are not members yet, so the lookup by token hash
-- cannot run under the tenant's policy. This function returns only the row the hash names.
create function hourglass_invitation_by_token(p_token_hash bytea)
    returns table (id uuid, tenant_id uuid, tenant_name text, email text, role text,
                   expires_at timestamptz, accepted_at timestamptz, revoked_at timestamptz)
    language sql stable security definer
    set search_path = public, pg_temp
    as $$
        select i.id, i.tenant_id, t.name, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
          from invitation i join tenant t on t.id = i.tenant_id
         where i.token_hash = p_token_hash
    $$;
revoke all on function hourglass_invitation_by_token(bytea) from public;

-- The fleet monitor checks every tenant's databases, so it cannot work inside one tenant. This
-- claims the due ones (ids only, nothing secret), marking them so another node skips them; the
-- checks themselves then run inside each database's tenant.
create function hourglass_claim_fleet_checks(p_now timestamptz, p_due_before timestamptz,
                                             p_limit integer)
    returns table (tenant_id uuid, id uuid)
    language sql volatile security definer
    set search_path = public, pg_temp
    as $$
        update target_database t set last_check_at = p_now
         where t.id in (select d.id from target_database d
                         where d.archived_at is null
                           and (d.last_check_at is null or d.last_check_at <= p_due_before)
                         order by d.last_check_at nulls first
                         limit p_limit
                         for update skip locked)
        returning t.tenant_id, t.id
    $$;
revoke all on function hourglass_claim_fleet_checks(timestamptz, timestamptz, integer) from public;

alter table person enable row level security;
alter table tenant enable row level security;
alter table membership enable row level security;
alter table invitation enable row level security;
alter table target_database enable row level security;

-- A person sees themself and the members of the tenant in use.
create policy person_visible on person for select using (
    subject = hourglass_subject()
    or exists (select 1 from membership m
                where m.subject = person.subject and m.tenant_id = hourglass_tenant()));
create policy person_self_insert on person for insert with check (subject = hourglass_subject());
create policy person_self_update on person for update using (subject = hourglass_subject())
    with check (subject = hourglass_subject());

-- A tenant is visible to its members (for the tenant menu) and in use when set.
create policy tenant_visible on tenant for select using (
    id = hourglass_tenant()
    or exists (select 1 from membership m
                where m.tenant_id = tenant.id and m.subject = hourglass_subject()));
create policy tenant_create on tenant for insert
    with check (id = hourglass_tenant() and created_by = hourglass_subject());
create policy tenant_change on tenant for update using (id = hourglass_tenant())
    with check (id = hourglass_tenant());
create policy tenant_remove on tenant for delete using (id = hourglass_tenant());

-- Memberships of the tenant in use, and the person's own (for the tenant menu).
create policy membership_visible on membership for select using (
    tenant_id = hourglass_tenant() or subject = hourglass_subject());
create policy membership_add on membership for insert with check (tenant_id = hourglass_tenant());
create policy membership_change on membership for update using (tenant_id = hourglass_tenant())
    with check (tenant_id = hourglass_tenant());
create policy membership_remove on membership for delete using (tenant_id = hourglass_tenant());

create policy invitation_of_tenant on invitation for all using (tenant_id = hourglass_tenant())
    with check (tenant_id = hourglass_tenant());

create policy target_database_of_tenant on target_database for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());

grant usage on schema public to "${appRole}";
grant select, insert, update on person to "${appRole}";
grant select, insert, update, delete on tenant, membership, invitation, target_database to "${appRole}";
grant execute on function hourglass_tenant(), hourglass_subject(),
    hourglass_invitation_by_token(bytea),
    hourglass_claim_fleet_checks(timestamptz, timestamptz, integer) to "${appRole}";
