-- Hourglass template "Downsample and compress" (TimescaleDB): for each uncompressed chunk of one
-- hypertable older than lag, replaces the raw rows by time_bucket averages (per bucket and per the
-- group_by columns) and compresses the chunk. One transaction per chunk. Columns neither averaged
-- nor grouped by get their default (usually null) in the downsampled rows.
create or replace function @schema@.hourglass_downsample_compress_check(config jsonb)
returns void language plpgsql as $check$
declare
  ht regclass;
  lag interval;
  bucket interval;
  col text;
begin
  if config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'The config must be a JSON object such as {"hypertable": "public.metrics", "lag": "7 days", "bucket": "1 hour", "average": ["temperature"]}.';
  end if;
  if jsonb_typeof(config->'hypertable') is distinct from 'string' then
    raise exception 'hypertable is missing: name the hypertable, e.g. "public.metrics".';
  end if;
  ht := to_regclass(config->>'hypertable');
  if ht is null then
    raise exception 'There is no table %.', config->>'hypertable';
  end if;
  if not exists (select 1 from timescaledb_information.hypertables h
                  where format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass = ht) then
    raise exception '% is not a hypertable.', config->>'hypertable';
  end if;
  if not exists (select 1 from timescaledb_information.hypertables h
                  where format('%I.%I', h.hypertable_schema, h.hypertable_name)::regclass = ht
                    and h.compression_enabled) then
    raise exception 'Compression is not enabled on %; run ALTER TABLE % SET (timescaledb.compress) first.', config->>'hypertable', config->>'hypertable';
  end if;
  begin
    lag := (config->>'lag')::interval;
    bucket := (config->>'bucket')::interval;
  exception when others then
    raise exception 'lag and bucket must be intervals such as "7 days" and "1 hour".';
  end;
  if lag is null or lag <= interval '0' then
    raise exception 'lag must be an interval longer than zero, such as "7 days".';
  end if;
  if bucket is null or bucket <= interval '0' then
    raise exception 'bucket must be an interval longer than zero, such as "1 hour".';
  end if;
  if jsonb_typeof(config->'average') is distinct from 'array' or jsonb_array_length(config->'average') = 0 then
    raise exception 'average must list the numeric columns to average, e.g. ["temperature"].';
  end if;
  for col in select jsonb_array_elements_text(config->'average') loop
    if not exists (select 1 from pg_attribute a join pg_type t on t.oid = a.atttypid
                    where a.attrelid = ht and a.attname = col and a.attnum > 0 and not a.attisdropped
                      and t.typcategory = 'N') then
      raise exception 'average: % has no numeric column "%".', config->>'hypertable', col;
    end if;
  end loop;
  if config ? 'group_by' then
    if jsonb_typeof(config->'group_by') <> 'array' then
      raise exception 'group_by must be a list of columns, e.g. ["device_id"].';
    end if;
    for col in select jsonb_array_elements_text(config->'group_by') loop
      if not exists (select 1 from pg_attribute a
                      where a.attrelid = ht and a.attname = col and a.attnum > 0 and not a.attisdropped) then
        raise exception 'group_by: % has no column "%".', config->>'hypertable', col;
      end if;
    end loop;
  end if;
end
$check$;

create or replace procedure @schema@.hourglass_downsample_compress(job_id integer, config jsonb)
language plpgsql as $proc$
declare
  ht regclass;
  lag interval;
  bucket interval;
  time_column name;
  groups text := '';
  averages text := '';
  targets text;
  group_positions text := '1';
  n integer := 1;
  col text;
  chunk regclass;
  raw_rows bigint;
  kept_rows bigint;
  done integer := 0;
begin
  perform @schema@.hourglass_downsample_compress_check(config);
  ht := to_regclass(config->>'hypertable');
  lag := (config->>'lag')::interval;
  bucket := (config->>'bucket')::interval;
  select d.column_name into time_column
    from timescaledb_information.dimensions d
   where format('%I.%I', d.hypertable_schema, d.hypertable_name)::regclass = ht
     and d.dimension_number = 1;
  targets := format('%I', time_column);
  for col in select jsonb_array_elements_text(coalesce(config->'group_by', '[]')) loop
    n := n + 1;
    groups := groups || format(', %I', col);
    group_positions := group_positions || ', ' || n;
    targets := targets || format(', %I', col);
  end loop;
  for col in select jsonb_array_elements_text(config->'average') loop
    averages := averages || format(', avg(%I)', col);
    targets := targets || format(', %I', col);
  end loop;
  for chunk in
    select format('%I.%I', c.chunk_schema, c.chunk_name)::regclass
      from timescaledb_information.chunks c
     where format('%I.%I', c.hypertable_schema, c.hypertable_name)::regclass = ht
       and not c.is_compressed
       and format('%I.%I', c.chunk_schema, c.chunk_name)::regclass in (select @ts@.show_chunks(ht, older_than => lag))
     order by c.range_start
  loop
    execute format('create temp table hourglass_downsampled on commit drop as'
                   ' select @ts@.time_bucket(%L::interval, %I) as %I%s%s from %s group by %s',
                   bucket, time_column, time_column, groups, averages, chunk, group_positions);
    execute format('delete from %s', chunk);
    get diagnostics raw_rows = row_count;
    execute format('insert into %s (%s) select * from hourglass_downsampled', ht, targets);
    get diagnostics kept_rows = row_count;
    perform @ts@.compress_chunk(chunk);
    done := done + 1;
    raise notice 'job %: % rows of % downsampled to % and compressed', job_id, raw_rows, chunk, kept_rows;
    commit;
  end loop;
  raise notice 'job %: downsampled and compressed % chunk(s) of %', job_id, done, ht;
end
$proc$;
