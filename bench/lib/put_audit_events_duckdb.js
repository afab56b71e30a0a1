#!/usr/bin/env node
// bench/lib/put_audit_events_duckdb.js — the peer of bench/api_put.py: the same audit events
// stored durably by DuckDB, in the same batches, by the same number of concurrent writers.
//
// Usage: node put_audit_events_duckdb.js --db FILE --events FILE [--clients 16] [--batch 100]
//
// Each writer has its own connection and commits one INSERT per batch (autocommit: one
// transaction, written to DuckDB's WAL and synced at commit), as the API acknowledges one request
// of `batch` events once it is durable. Each row keeps what cairn keeps of an event: an id, the
// time, the account and the whole wrapped JSON. Prints {"events":N,"seconds":S,"events_per_second":R}.
'use strict';

const fs = require('fs');
const crypto = require('crypto');
const duckdb = require('@duckdb/node-api');

function args() {
  const o = { clients: 16, batch: 100 };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) o[a[i].replace(/^--/, '')] = a[i + 1];
  o.clients = Number(o.clients);
  o.batch = Number(o.batch);
  if (!o.db || !o.events) {
    process.stderr.write('usage: put_audit_events_duckdb.js --db FILE --events FILE [--clients N] [--batch N]\n');
    process.exit(2);
  }
  return o;
}

const q = (s) => "'" + s.replace(/'/g, "''") + "'";

async function main() {
  const o = args();
  const events = fs.readFileSync(o.events, 'utf8').split('\n').filter((l) => l.length > 0);
  // The statements, built before the clock starts (as the load client builds its requests).
  const statements = [];
  for (let i = 0; i < events.length; i += o.batch) {
    const rows = [];
    for (let j = i; j < Math.min(events.length, i + o.batch); j++) {
      const data = JSON.parse(events[j]);
      const wrapped = JSON.stringify({ eventVersion: '1.0', eventCategory: 'ActivityAuditLog',
        eventType: 'ActivityLog', eventID: crypto.randomUUID(), eventTime: data.eventTime,
        recipientAccountId: data.recipientAccountId, eventData: data });
      rows.push(`(${q(crypto.randomUUID())}, ${q(data.eventTime.replace('T', ' ').replace('Z', ''))}::TIMESTAMP, ` +
                `${q(data.recipientAccountId)}, ${q(wrapped)})`);
    }
    statements.push('INSERT INTO audit VALUES ' + rows.join(', '));
  }
  const instance = await duckdb.DuckDBInstance.create(o.db, { threads: '2' });
  const setup = await instance.connect();
  await setup.run('CREATE TABLE audit (event_id VARCHAR, event_time TIMESTAMP, account VARCHAR, event_json VARCHAR)');
  const conns = [];
  for (let c = 0; c < o.clients; c++) conns.push(await instance.connect());
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(conns.map(async (conn) => {
    for (let b = next++; b < statements.length; b = next++) await conn.run(statements[b]);
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const count = (await setup.runAndReadAll('SELECT count(*) FROM audit')).getRows()[0][0];
  process.stdout.write(JSON.stringify({ events: Number(count), seconds,
                                        events_per_second: Number(count) / seconds }) + '\n');
}

main().catch((e) => { process.stderr.write(String(e.stack || e) + '\n'); process.exit(1); });
