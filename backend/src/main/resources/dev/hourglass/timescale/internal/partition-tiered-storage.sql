-- Hourglass template "Partition tiered storage" (plain PostgreSQL): moves the partitions of one
-- range-partitioned table whose upper bound lies more than lag in the past to another tablespace,
-- with their indexes, skipping partitions already there. One transaction per partition.
create or replace function @schema@.hourglass_move_old_partitions_check(config jsonb)
returns void language plpgsql as $check$
declare
  lag interval;
  parent regclass;
begin
  if config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'The config must be a JSON object such as {"table": "public.events", "lag": "30 days", "destination_tablespace": "cold"}.';
  end if;
  if jsonb_typeof(config->'table') is distinct from 'string' then
    raise exception 'table is missing: name the partitioned table, e.g. "public.events".';
  end if;
  parent := to_regclass(config->>'table');
  if parent is null then
    raise exception 'There is no table %.', config->>'table';
  end if;
  if not exists (select 1 from pg_partitioned_table pt
                   join pg_attribute a on a.attrelid = pt.partrelid and a.attnum = pt.partattrs[0]
                  where pt.partrelid = parent and pt.partstrat = 'r' and pt.partnatts = 1
                    and a.atttypid in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)) then
    raise exception '% is not partitioned by range on one timestamp or date column.', config->>'table';
  end if;
  begin
    lag := (config->>'lag')::interval;
  exception when others then
    raise exception 'lag "%" is not an interval; write it like "30 days".', config->>'lag';
  end;
  if lag is null or lag <= interval '0' then
    raise exception 'lag must be an interval longer than zero, such as "30 days".';
  end if;
  if not exists (select 1 from pg_tablespace where spcname = config->>'destination_tablespace') then
    raise exception 'There is no tablespace "%"; create it (CREATE TABLESPACE) or name another.', config->>'destination_tablespace';
  end if;
  if config ? 'index_destination_tablespace'
     and not exists (select 1 from pg_tablespace where spcname = config->>'index_destination_tablespace') then
    raise exception 'There is no tablespace "%" for the indexes.', config->>'index_destination_tablespace';
  end if;
end
$check$;

create or replace procedure @schema@.hourglass_move_old_partitions(job_id integer, config jsonb)
language plpgsql as $proc$
declare
  parent regclass;
  lag interval;
  destination name := config->>'destination_tablespace';
  index_destination name := coalesce(config->>'index_destination_tablespace', config->>'destination_tablespace');
  part record;
  idx record;
  upper_bound text;
  moved integer := 0;
begin
  perform @schema@.hourglass_move_old_partitions_check(config);
  parent := to_regclass(config->>'table');
  lag := (config->>'lag')::interval;
  for part in
    select c.oid as rel, pg_get_expr(c.relpartbound, c.oid) as bound
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      left join pg_tablespace t on t.oid = c.reltablespace
     where i.inhparent = parent and coalesce(t.spcname, 'pg_default') <> destination
     order by c.relname
  loop
    upper_bound := substring(part.bound from 'TO \(''([^'']*)''\)');
    continue when upper_bound is null or upper_bound::timestamptz > now() - lag;
    execute format('alter table %s set tablespace %I', part.rel::regclass, destination);
    for idx in select indexrelid::regclass as name from pg_index where indrelid = part.rel loop
      execute format('alter index %s set tablespace %I', idx.name, index_destination);
    end loop;
    moved := moved + 1;
    raise notice 'job %: moved % to tablespace %', job_id, part.rel::regclass, destination;
    commit;
  end loop;
  raise notice 'job %: moved % partition(s) of % older than %', job_id, moved, parent, lag;
end
$proc$;
