-- Hourglass template "Generic retention" (TimescaleDB): drops the chunks older than drop_after of
-- every hypertable with a time-typed first dimension, optionally only in one schema or only the
-- hypertables whose name matches a LIKE pattern. One transaction per hypertable.
create or replace function @schema@.hourglass_drop_old_chunks_check(config jsonb)
returns void language plpgsql as $check$
declare
  drop_after interval;
begin
  if config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'The config must be a JSON object such as {"drop_after": "30 days"}.';
  end if;
  if jsonb_typeof(config->'drop_after') is distinct from 'string' then
    raise exception 'drop_after is missing: give an interval such as "30 days".';
  end if;
  begin
    drop_after := (config->>'drop_after')::interval;
  exception when others then
    raise exception 'drop_after "%" is not an interval; write it like "30 days".', config->>'drop_after';
  end;
  if drop_after <= interval '0' then
    raise exception 'drop_after must be longer than zero (got "%").', config->>'drop_after';
  end if;
  if config ? 'schema_name' and jsonb_typeof(config->'schema_name') <> 'string' then
    raise exception 'schema_name must be a text (a schema name), or left out for all schemas.';
  end if;
  if config ? 'table_pattern' and jsonb_typeof(config->'table_pattern') <> 'string' then
    raise exception 'table_pattern must be a text (a LIKE pattern such as "metrics%%").';
  end if;
end
$check$;

create or replace procedure @schema@.hourglass_drop_old_chunks(job_id integer, config jsonb)
language plpgsql as $proc$
declare
  drop_after interval;
  only_schema text := config->>'schema_name';
  pattern text := coalesce(config->>'table_pattern', '%');
  target record;
  dropped integer;
  total integer := 0;
begin
  perform @schema@.hourglass_drop_old_chunks_check(config);
  drop_after := (config->>'drop_after')::interval;
  for target in
    select h.hypertable_schema as sch, h.hypertable_name as tab
      from timescaledb_information.hypertables h
      join timescaledb_information.dimensions d
        on d.hypertable_schema = h.hypertable_schema and d.hypertable_name = h.hypertable_name
       and d.dimension_number = 1
     where (only_schema is null or h.hypertable_schema = only_schema)
       and h.hypertable_name like pattern
       and d.column_type in ('timestamptz'::regtype, 'timestamp'::regtype, 'date'::regtype)
     order by 1, 2
  loop
    select count(*) into dropped
      from @ts@.drop_chunks(format('%I.%I', target.sch, target.tab)::regclass, older_than => drop_after);
    total := total + dropped;
    raise notice 'job %: dropped % chunk(s) of %.% older than %', job_id, dropped, target.sch,
      target.tab, drop_after;
    -- Each hypertable in its own transaction: locks are held briefly, done work stays done.
    commit;
  end loop;
  raise notice 'job %: dropped % chunk(s) in all', job_id, total;
end
$proc$;
