-- Hourglass template "Tiered storage" (TimescaleDB): moves the chunks of one hypertable that are
-- older than lag to another tablespace with move_chunk (indexes too, optionally reordered by an
-- index), skipping chunks already there. One transaction per chunk.
create or replace function @schema@.hourglass_move_old_chunks_check(config jsonb)
returns void language plpgsql as $check$
declare
  lag interval;
  ht regclass;
begin
  if config is null or jsonb_typeof(config) <> 'object' then
    raise exception 'The config must be a JSON object such as {"hypertable": "public.metrics", "lag": "30 days", "destination_tablespace": "cold"}.';
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
  if config ? 'reorder_index' and not exists (
       select 1 from pg_index i where i.indrelid = ht and i.indexrelid = to_regclass(config->>'reorder_index')) then
    raise exception '% is not an index of %.', config->>'reorder_index', config->>'hypertable';
  end if;
end
$check$;

create or replace procedure @schema@.hourglass_move_old_chunks(job_id integer, config jsonb)
language plpgsql as $proc$
declare
  ht regclass;
  lag interval;
  destination name := config->>'destination_tablespace';
  index_destination name := coalesce(config->>'index_destination_tablespace', config->>'destination_tablespace');
  reorder regclass;
  chunk regclass;
  compressed boolean;
  idx regclass;
  moved integer := 0;
begin
  perform @schema@.hourglass_move_old_chunks_check(config);
  ht := to_regclass(config->>'hypertable');
  lag := (config->>'lag')::interval;
  reorder := to_regclass(config->>'reorder_index');
  for chunk, compressed in
    select s.c, coalesce(i.is_compressed, false)
      from @ts@.show_chunks(ht, older_than => lag) as s(c)
      join pg_class k on k.oid = s.c
      join pg_namespace n on n.oid = k.relnamespace
      left join pg_tablespace t on t.oid = k.reltablespace
      left join timescaledb_information.chunks i
        on i.chunk_schema = n.nspname and i.chunk_name = k.relname
     where coalesce(t.spcname, 'pg_default') <> destination
  loop
    if reorder is not null or compressed then
      perform @ts@.move_chunk(chunk => chunk, destination_tablespace => destination,
        index_destination_tablespace => index_destination, reorder_index => reorder);
    else
      -- move_chunk wants an index to reorder by (or a clustered one); without one, move the
      -- chunk and its indexes as they are.
      execute format('alter table %s set tablespace %I', chunk, destination);
      for idx in select indexrelid::regclass from pg_index where indrelid = chunk loop
        execute format('alter index %s set tablespace %I', idx, index_destination);
      end loop;
    end if;
    moved := moved + 1;
    raise notice 'job %: moved % to tablespace %', job_id, chunk, destination;
    commit;
  end loop;
  raise notice 'job %: moved % chunk(s) of % older than %', job_id, moved, ht, lag;
end
$proc$;
