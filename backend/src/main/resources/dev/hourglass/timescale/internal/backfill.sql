-- Hourglass template "Backfill on schedule" (TimescaleDB): moves the rows of a staging table into
-- a hypertable (the columns they share, by name), decompressing the compressed chunks the rows
-- fall into first and compressing them again afterwards. The move is one transaction.
create or replace function @schema@.hourglass_backfill_check(config jsonb)
returns void language plpgsql as $check$
declare
  ht regclass;
  staging regclass;
  time_column name;
begin
  if config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'The config must be a JSON object such as {"staging_table": "public.metrics_staging", "hypertable": "public.metrics"}.';
  end if;
  if jsonb_typeof(config->'hypertable') is distinct from 'string' then
    raise exception 'hypertable is missing: name the hypertable, e.g. "public.metrics".';
  end if;
  if jsonb_typeof(config->'staging_table') is distinct from 'string' then
    raise exception 'staging_table is missing: name the table the rows wait in, e.g. "public.metrics_staging".';
  end if;
  ht := to_regclass(config->>'hypertable');
  staging := to_regclass(config->>'staging_table');
  if ht is null then
    raise exception 'There is no table %.', config->>'hypertable';
  end if;
  if staging is null then
    raise exception 'There is no staging table %.', config->>'staging_table';
  end if;
  if staging = ht then
    raise exception 'The staging table must be another table than the hypertable.';
  end if;
  select d.column_name into time_column
    from timescaledb_information.dimensions d
   where format('%I.%I', d.hypertable_schema, d.hypertable_name)::regclass = ht
     and d.dimension_number = 1;
  if time_column is null then
    raise exception '% is not a hypertable.', config->>'hypertable';
  end if;
  if not exists (select 1 from pg_attribute a where a.attrelid = staging and a.attname = time_column
                    and a.attnum > 0 and not a.attisdropped) then
    raise exception 'The staging table % has no column "%" (the hypertable''s time column).', config->>'staging_table', time_column;
  end if;
end
$check$;

create or replace procedure @schema@.hourglass_backfill(job_id integer, config jsonb)
language plpgsql as $proc$
declare
  ht regclass;
  staging regclass;
  time_column name;
  columns text;
  low timestamptz;
  high timestamptz;
  chunk regclass;
  decompressed regclass[] := '{}';
  moved bigint;
begin
  perform @schema@.hourglass_backfill_check(config);
  ht := to_regclass(config->>'hypertable');
  staging := to_regclass(config->>'staging_table');
  select d.column_name into time_column
    from timescaledb_information.dimensions d
   where format('%I.%I', d.hypertable_schema, d.hypertable_name)::regclass = ht
     and d.dimension_number = 1;
  -- Rows arriving in the staging table while this runs wait for the next run.
  execute format('lock table %s in share row exclusive mode', staging);
  execute format('select min(%I)::timestamptz, max(%I)::timestamptz from %s', time_column, time_column, staging)
    into low, high;
  if low is null then
    raise notice 'job %: % is empty, nothing to backfill', job_id, staging;
    return;
  end if;
  for chunk in
    select format('%I.%I', c.chunk_schema, c.chunk_name)::regclass
      from timescaledb_information.chunks c
     where format('%I.%I', c.hypertable_schema, c.hypertable_name)::regclass = ht
       and c.is_compressed and c.range_start <= high and c.range_end > low
  loop
    perform @ts@.decompress_chunk(chunk);
    decompressed := decompressed || chunk;
  end loop;
  select string_agg(format('%I', a.attname), ', ' order by a.attnum) into columns
    from pg_attribute a
   where a.attrelid = ht and a.attnum > 0 and not a.attisdropped
     and exists (select 1 from pg_attribute s where s.attrelid = staging and s.attname = a.attname
                    and s.attnum > 0 and not s.attisdropped);
  execute format('with moved as (delete from %s returning *) insert into %s (%s) select %s from moved',
                 staging, ht, columns, columns);
  get diagnostics moved = row_count;
  foreach chunk in array decompressed loop
    perform @ts@.compress_chunk(chunk, if_not_compressed => true);
  end loop;
  raise notice 'job %: moved % row(s) from % into % (% chunk(s) decompressed and compressed again)',
    job_id, moved, staging, ht, coalesce(array_length(decompressed, 1), 0);
end
$proc$;
