#!/usr/bin/env node
// Runs queries through DuckDB and prints every row, for the differential test (duckdb_diff.py).
//
// Usage: node duckdb_rows.js SETUP.sql QUERIES.json
//   SETUP.sql     run once (loads the events into a table)
//   QUERIES.json  [{"name": ..., "sql": ...}, ...]
// Output (stdout): one JSON document {"<name>": {"columns": [...], "rows": [[...], ...]} or
// {"error": "..."}, ...}. Values are DuckDB's JSON forms (getRowsJson): numbers, strings, booleans,
// null, arrays; timestamps as strings.
'use strict';

const fs = require('fs');
const duckdb = require('@duckdb/node-api');

async function main() {
  const [setupFile, queriesFile] = process.argv.slice(2);
  if (!setupFile || !queriesFile) {
    process.stderr.write('usage: duckdb_rows.js SETUP.sql QUERIES.json\n');
    process.exit(2);
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  await conn.run(fs.readFileSync(setupFile, 'utf8'));
  const out = {};
  for (const q of JSON.parse(fs.readFileSync(queriesFile, 'utf8'))) {
    try {
      const r = await conn.runAndReadAll(q.sql);
      out[q.name] = { columns: r.columnNames(), rows: r.getRowsJson() };
    } catch (e) {
      out[q.name] = { error: String(e && e.message ? e.message : e) };
    }
  }
  process.stdout.write(JSON.stringify(out) + '\n');
  conn.closeSync();
}

main().catch((e) => {
  process.stderr.write(`duckdb_rows: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
