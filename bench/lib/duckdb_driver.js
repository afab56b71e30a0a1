#!/usr/bin/env node
// bench/lib/duckdb_driver.js — runs SQL through DuckDB (@duckdb/node-api) and prints timings as JSON.
//
// Usage: node bench/lib/duckdb_driver.js [--threads N] [--warmup N] [--runs N] [--var NAME=VALUE]...
//            [FILE.sql ...]           (no files: the SQL is read from stdin)
//
// The SQL is a sequence of blocks:
//   -- name: NAME          starts a timed block; everything up to the next `-- name:` is its SQL
//   -- before: SQL         (inside a block) untimed SQL run before every run of the block
// Text before the first `-- name:` is setup, run once, untimed (SET ..., CREATE VIEW ...).
// `${NAME}` in the SQL is replaced by the value given with --var NAME=VALUE.
//
// Every block runs `warmup` times untimed, then `runs` times timed, on one connection of one
// in-memory database. Output (stdout, one JSON document):
//   {"engine":"duckdb","version":"v1.x","threads":2,"warmup":1,"runs":5,
//    "statements":[{"name":..,"sql":..,"runs_ms":[..],"min_ms":..,"median_ms":..,
//                   "cpu_ms":[..],"median_cpu_ms":..,     (user + system of the whole process)
//                   "columns":[..],"first_row":[..],"row_count":N}]}
// first_row / row_count come from the last run, so a benchmark can check what DuckDB computed.
'use strict';

const fs = require('fs');
const { performance } = require('perf_hooks');
const duckdb = require('@duckdb/node-api');

function usage(msg) {
  if (msg) process.stderr.write(`duckdb_driver: ${msg}\n`);
  process.stderr.write(
      'usage: duckdb_driver.js [--threads N] [--warmup N] [--runs N] [--var NAME=VALUE]... [FILE.sql ...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { threads: 2, warmup: 1, runs: 5, vars: {}, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    const int = (s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0) usage(`${a}: not a count: ${s}`);
      return n;
    };
    if (a === '--threads') opts.threads = int(next());
    else if (a === '--warmup') opts.warmup = int(next());
    else if (a === '--runs') opts.runs = int(next());
    else if (a === '--var') {
      const v = next();
      const eq = v.indexOf('=');
      if (eq <= 0) usage(`--var wants NAME=VALUE, got ${v}`);
      opts.vars[v.slice(0, eq)] = v.slice(eq + 1);
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.files.push(a);
  }
  if (opts.runs < 1) usage('--runs must be at least 1');
  if (opts.threads < 1) usage('--threads must be at least 1');
  return opts;
}

function substitute(sql, vars) {
  return sql.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name) => {
    if (!(name in vars)) throw new Error(`SQL uses \${${name}} but no --var ${name}=... was given`);
    return vars[name];
  });
}

// Splits the text into {setup, blocks:[{name, before:[], sql}]}.
function parseBlocks(text) {
  const setup = [];
  const blocks = [];
  let current = null;
  for (const line of text.split('\n')) {
    const name = line.match(/^--\s*name:\s*(\S+)\s*$/);
    const before = line.match(/^--\s*before:\s*(.+)$/);
    if (name) {
      current = { name: name[1], before: [], lines: [] };
      blocks.push(current);
    } else if (before && current) {
      current.before.push(before[1]);
    } else if (current) {
      current.lines.push(line);
    } else {
      setup.push(line);
    }
  }
  for (const b of blocks) {
    b.sql = b.lines.join('\n').trim();
    delete b.lines;
    if (!b.sql) throw new Error(`block ${b.name} has no SQL`);
  }
  return { setup: setup.join('\n').trim(), blocks };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

function toJson(v) {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return String(v);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const text = opts.files.length
      ? opts.files.map((f) => fs.readFileSync(f, 'utf8')).join('\n')
      : fs.readFileSync(0, 'utf8');
  const { setup, blocks } = parseBlocks(substitute(text, opts.vars));
  if (!blocks.length) throw new Error('no `-- name:` block in the SQL: nothing to time');

  const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(opts.threads) });
  const conn = await instance.connect();
  if (setup) await conn.run(setup);

  const statements = [];
  for (const b of blocks) {
    const runsMs = [];
    const cpuMs = [];
    let last = null;
    for (let i = 0; i < opts.warmup + opts.runs; i++) {
      for (const s of b.before) await conn.run(s);
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      last = await conn.runAndReadAll(b.sql);
      const ms = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (i >= opts.warmup) {
        runsMs.push(ms);
        cpuMs.push((c.user + c.system) / 1000);
      }
    }
    const rows = last.getRows();
    statements.push({
      name: b.name,
      sql: b.sql,
      runs_ms: runsMs.map(round3),
      min_ms: round3(Math.min(...runsMs)),
      median_ms: round3(median(runsMs)),
      cpu_ms: cpuMs.map(round3),
      median_cpu_ms: round3(median(cpuMs)),
      columns: last.columnNames(),
      first_row: rows.length ? rows[0].map(toJson) : null,
      row_count: rows.length,
    });
  }
  const threadsRow = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows()[0][0];
  process.stdout.write(JSON.stringify({
    engine: 'duckdb',
    version: duckdb.version(),
    threads: Number(threadsRow),
    warmup: opts.warmup,
    runs: opts.runs,
    statements,
  }) + '\n');
  conn.closeSync();
}

main().catch((e) => {
  process.stderr.write(`duckdb_driver: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
