-- TimescaleDB side by side (issue 8): which action runs a native TimescaleDB job that was adopted,
-- so the job can be handed back. A row lives while the adoption lasts; hand back deletes it.
create table timescale_adoption (
    action_id     uuid primary key references action (id),
    tenant_id     uuid not null references tenant (id) on delete cascade,
    database_id   uuid not null,
    native_job_id integer not null,
    adopted_at    timestamptz not null,
    adopted_by    text not null references person (subject),
    foreign key (tenant_id, database_id) references target_database (tenant_id, id)
);

create unique index timescale_adoption_per_job on timescale_adoption (database_id, native_job_id);

alter table timescale_adoption enable row level security;
create policy timescale_adoption_of_tenant on timescale_adoption for all
    using (tenant_id = hourglass_tenant()) with check (tenant_id = hourglass_tenant());

grant select, insert, delete on timescale_adoption to "${appRole}";
