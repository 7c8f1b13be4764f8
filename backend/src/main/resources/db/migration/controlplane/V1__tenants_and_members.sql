-- People are known by their OpenID Connect subject (Keycloak user id); names are refreshed at sign-in.
create table person (
    subject      text primary key,
    username     text not null,
    display_name text not null,
    email        text,
    first_seen   timestamptz not null,
    last_seen    timestamptz not null
);

-- A tenant is a team. Membership lives in this database, keyed by subject:
-- see docs/decisions/0005-20261126-membership-in-the-app.md.
create table tenant (
    id         uuid primary key,
    name       text not null check (length(btrim(name)) between 1 and 80),
    created_at timestamptz not null,
    created_by text not null references person (subject)
);

create table membership (
    tenant_id uuid not null references tenant (id) on delete cascade,
    subject   text not null references person (subject),
    role      text not null check (role in ('OWNER', 'ADMIN', 'EDITOR', 'VIEWER')),
    joined_at timestamptz not null,
    primary key (tenant_id, subject)
);

create index membership_by_subject on membership (subject);
