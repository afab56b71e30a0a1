#!/usr/bin/env node
// bench/lib/lookup_duckdb.js — the peer of bench/lookup: replays the same LookupEvents requests as SQL
// over a DuckDB table of the event histories' events, one prepared statement per attribute.
//
// Usage: node bench/lib/lookup_duckdb.js --db FILE --lookups FILE [--threads N]
//
// The table `history` (built by bench/lookup.py) holds every management event with the columns a
// lookup needs: account, region, eventTime (TIMESTAMP), eventID, eventName, eventSource, readOnly,
// accessKeyId, username (spec event-history.md §6, as cairn derives it), resources
// (STRUCT(type, ARN)[]). Each lookup is the first page of LookupEvents: the attribute's predicate,
// the account and region, the time range (inclusive), newest first, ties by eventID descending,
// LIMIT 50. Prints one JSON document: {"version", "threads", "lookups": [{"attribute", "ms",
// "events", "first_event_id"}]}, in the order of the lookups file.
'use strict';

const fs = require('fs');
const { performance } = require('perf_hooks');
const duckdb = require('@duckdb/node-api');

const PREDICATES = {
  EventId: 'eventID = $v',
  EventName: 'eventName = $v',
  EventSource: 'eventSource = $v',
  ReadOnly: 'readOnly = ($v = \'true\')',
  Username: 'username = $v',
  ResourceType: 'list_contains(list_transform(resources, r -> r."type"), $v)',
  ResourceName: 'list_contains(list_transform(resources, r -> r."ARN"), $v)',
  AccessKeyId: 'accessKeyId = $v',
};

function parseArgs(argv) {
  const o = { threads: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
    if (a === '--db') o.db = argv[++i];
    else if (a === '--lookups') o.lookups = argv[++i];
    else if (a === '--threads') o.threads = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!o.db || !o.lookups) throw new Error('usage: lookup_duckdb.js --db FILE --lookups FILE');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const doc = JSON.parse(fs.readFileSync(o.lookups, 'utf8'));
  const instance = await duckdb.DuckDBInstance.create(o.db, { threads: String(o.threads) });
  const conn = await instance.connect();
  const statements = {};
  for (const [attr, pred] of Object.entries(PREDICATES)) {
    for (const ranged of [false, true]) {
      const time = ranged ? ' AND eventTime BETWEEN make_timestamp(CAST($s AS BIGINT) * 1000000) AND make_timestamp(CAST($e AS BIGINT) * 1000000)' : '';
      statements[attr + ranged] = await conn.prepare(
          `SELECT eventID, eventTime, eventName, eventSource, readOnly, accessKeyId, username,
                  resources
           FROM history WHERE account = $a AND region = $r AND ${pred}${time}
           ORDER BY eventTime DESC, eventID DESC LIMIT 50`);
    }
  }
  // Warm-up: one of each statement, so the table's pages are in memory like cairn's segments.
  const out = [];
  for (let pass = 0; pass < 2; pass++) {
    const seen = new Set();
    for (const l of doc.lookups) {
      const ranged = l.start !== undefined;
      const key = l.attribute + ranged;
      if (pass === 0 && seen.has(key)) continue;
      seen.add(key);
      const st = statements[key];
      st.clearBindings();
      const params = { a: l.account, r: l.region, v: l.value };
      if (ranged) {
        params.s = l.start;
        params.e = l.end;
      }
      st.bind(params);
      const t0 = performance.now();
      const res = await st.runAndReadAll();
      const ms = performance.now() - t0;
      if (pass === 1) {
        const rows = res.getRows();
        out.push({ attribute: l.attribute, ms: Math.round(ms * 1000) / 1000, events: rows.length,
                   first_event_id: rows.length ? String(rows[0][0]) : '' });
      }
    }
  }
  process.stdout.write(JSON.stringify({ version: duckdb.version(), threads: o.threads,
                                        lookups: out }) + '\n');
  conn.closeSync();
}

main().catch((e) => {
  process.stderr.write(`lookup_duckdb: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
