-- bench/generate.sql: what DuckDB is asked to do in `bench/run generate` (see doc/benchmarks.md).
-- Variables (filled by bench/generate.py): THREADS, FILES and FORMAT and MAX_OBJECT (the dataset's
-- log files, as in parse.sql), RECORDS (parse.sql's parse_struct schema of a record list), OUT (a
-- folder on the same file system cairn's generator writes to).
-- Setup, untimed: the dataset's records, loaded into a table of typed columns (nested STRUCTs for
-- userIdentity and tlsDetails, a STRUCT list for resources, JSON for free-form objects).
SET threads = ${THREADS};
SET preserve_insertion_order = false;
CREATE TABLE records AS
SELECT unnest(Records, max_depth := 2)
FROM read_json(${FILES}, format = '${FORMAT}', compression = 'gzip',
               maximum_object_size = ${MAX_OBJECT}, columns = {'Records': '${RECORDS}'});

-- name: write_gzip_json
-- The peer of `cairn generate`: render every record as JSON and gzip it into files (one per
-- thread; cairn writes one per account, region and 5-minute window). DuckDB does not invent the
-- records, it only writes them: the comparison leaves it the cheaper half of the work.
COPY records TO '${OUT}' (FORMAT JSON, COMPRESSION GZIP, PER_THREAD_OUTPUT true, OVERWRITE true);
