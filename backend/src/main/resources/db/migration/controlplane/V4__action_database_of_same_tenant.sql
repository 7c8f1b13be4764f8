-- Foreign keys are checked past row-level security, so tie an action's database to the action's own
-- tenant in the key itself: an action of one tenant can never point at another tenant's database.
alter table target_database add constraint target_database_tenant_id unique (tenant_id, id);
alter table action add constraint action_database_of_same_tenant
    foreign key (tenant_id, database_id) references target_database (tenant_id, id);
