-- Hourglass template "Partition retention" (plain PostgreSQL): detaches and drops the partitions
-- of range-partitioned tables (one time-typed partition key column) whose upper bound lies more
-- than drop_after in the past. DEFAULT partitions and MAXVALUE bounds are never dropped.
create or replace function @schema@.hourglass_drop_old_partitions_check(config jsonb)
returns void language plpgsql as $check$
declare
  drop_after interval;
begin
  if config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'The config must be a JSON object such as {"drop_after": "90 days"}.';
  end if;
  if jsonb_typeof(config->'drop_after') is distinct from 'string' then
    raise exception 'drop_after is missing: give an interval such as "90 days".';
  end if;
  begin
    drop_after := (config->>'drop_after')::interval;
  exception when others then
    raise exception 'drop_after "%" is not an interval; write it like "90 days".', config->>'drop_after';
  end;
  if drop_after <= interval '0' then
    raise exception 'drop_after must be longer than zero (got "%").', config->>'drop_after';
  end if;
  if config ? 'schema_name' and jsonb_typeof(config->'schema_name') <> 'string' then
    raise exception 'schema_name must be a text (a schema name), or left out for all schemas.';
  end if;
  if config ? 'table_pattern' and jsonb_typeof(config->'table_pattern') <> 'string' then
    raise exception 'table_pattern must be a text (a LIKE pattern such as "events%%").';
  end if;
end
$check$;

create or replace procedure @schema@.hourglass_drop_old_partitions(job_id integer, config jsonb)
language plpgsql as $proc$
declare
  drop_after interval;
  only_schema text := config->>'schema_name';
  pattern text := coalesce(config->>'table_pattern', '%');
  part record;
  upper_bound text;
  total integer := 0;
begin
  perform @schema@.hourglass_drop_old_partitions_check(config);
  drop_after := (config->>'drop_after')::interval;
  for part in
    select pn.nspname as parent_schema, p.relname as parent, cn.nspname as part_schema,
           c.relname as part, pg_get_expr(c.relpartbound, c.oid) as bound, a.atttypid as key_type
      from pg_partitioned_table pt
      join pg_class p on p.oid = pt.partrelid
      join pg_namespace pn on pn.oid = p.relnamespace
      join pg_attribute a on a.attrelid = p.oid and a.attnum = pt.partattrs[0]
      join pg_inherits i on i.inhparent = p.oid
      join pg_class c on c.oid = i.inhrelid
      join pg_namespace cn on cn.oid = c.relnamespace
     where pt.partstrat = 'r' and pt.partnatts = 1
       and a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
       and (only_schema is null or pn.nspname = only_schema)
       and p.relname like pattern
     order by 1, 2, 4
  loop
    -- FOR VALUES FROM ('...') TO ('...'): the upper bound, exclusive; MAXVALUE has no quotes.
    upper_bound := substring(part.bound from 'TO \(''([^'']*)''\)');
    continue when upper_bound is null;
    if upper_bound::timestamptz <= now() - drop_after then
      execute format('alter table %I.%I detach partition %I.%I', part.parent_schema, part.parent,
        part.part_schema, part.part);
      execute format('drop table %I.%I', part.part_schema, part.part);
      total := total + 1;
      raise notice 'job %: dropped partition %.% of %.% (up to %)', job_id, part.part_schema,
        part.part, part.parent_schema, part.parent, upper_bound;
      commit;
    end if;
  end loop;
  raise notice 'job %: dropped % partition(s) older than %', job_id, total, drop_after;
end
$proc$;
