/**
 * `npm run bench:query [-- --tracks 100000 --runs 60]`
 *
 * Seeds a library of made-up tracks in a temp folder, starts the real web app on it (`next
 * start`), and times the library's calls three ways: over HTTP through tRPC (what the browser and
 * API clients pay), directly in this process (our code on SQLite, no HTTP), and as raw SQLite
 * (the very statements those calls run, prepared and executed with nothing around them; for facets,
 * which count in memory, the GROUP BY statements that define them). Prints p50/p95 per call and the
 * HTTP/raw ratio against the targets (p95 < 50 ms, ≤ 3× raw).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type Database from 'better-sqlite3';
import { closeDatabase, openDatabase, type Db } from '../db/client';
import { runMigrations } from '../db/migrate';
import { Vocabulary } from '../search/spelling';
import { seedTracks } from '../testing/seed-tracks';
import { createMismoClient, type MismoClient } from '../trpc/client';
import { listTracks } from '../tracks/list';
import { FacetIndex } from '../tracks/facet-index';
import { facetsSql, trackFacets } from '../tracks/queries';
import type { ListTracksInput, TrackFilters } from '../tracks/schemas';
import { percentile, printTable, type Row } from './report';
import { freePort } from '../testing/free-port';

const root = path.resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: { tracks: { type: 'string', default: '100000' }, runs: { type: 'string', default: '60' }, keep: { type: 'boolean', default: false } },
});
const N = Number(args.tracks);
const RUNS = Number(args.runs);

interface Local {
  db: Db;
  vocab: Vocabulary;
  facetIndex: FacetIndex;
}
interface Call {
  name: string;
  http: (c: MismoClient) => Promise<unknown>;
  direct: (l: Local) => unknown;
  /** The SQL the call stands for, when the call itself does not run it (facets count in memory). */
  sql?: (l: Local) => unknown;
}
const list = (input: ListTracksInput): Pick<Call, 'http' | 'direct'> => ({ http: (c) => c.tracks.list.query(input), direct: (l) => listTracks(l.db, input, l.vocab) });
const facets = (filters: TrackFilters): Pick<Call, 'http' | 'direct' | 'sql'> => ({
  http: (c) => c.tracks.facets.query({ filters }),
  direct: (l) => trackFacets(l.db, { filters }, l.facetIndex),
  sql: (l) => facetsSql(l.db, { filters }),
});

const CALLS: Call[] = [
  { name: 'list: first page (newest first, with total)', ...list({ limit: 100 }) },
  { name: 'list: three filters (genre, BPM range, keys)', ...list({ filters: { genres: ['House'], bpmMin: 120, bpmMax: 128, keys: ['8A', '9A'] }, limit: 100 }) },
  { name: 'list: sorted by BPM', ...list({ sort: { field: 'bpm', dir: 'asc' }, limit: 100 }) },
  { name: 'list: a window deep in the table (offset 50,000)', ...list({ sort: { field: 'artist', dir: 'asc' }, offset: 50_000, limit: 100, withTotal: false }) },
  { name: 'search: one word', ...list({ filters: { q: 'midnight' }, limit: 100 }) },
  { name: 'search: two words', ...list({ filters: { q: 'midnight groove' }, limit: 100 }) },
  { name: 'search: a typo (did you mean)', ...list({ filters: { q: 'midnigth' }, limit: 100 }) },
  { name: 'search: prefix as you type', ...list({ filters: { q: 'lumi' }, limit: 100 }) },
  { name: 'facets: whole library', ...facets({}) },
  { name: 'facets: one genre', ...facets({ genres: ['Techno'] }) },
];

interface Recorded {
  stmt: Database.Statement;
  method: 'all' | 'get' | 'run' | 'iterate';
  raw: boolean;
  params: unknown[];
}

/** Records every statement a call prepares and runs, so the same SQL can be timed bare. */
function recorder(client: Database.Database) {
  let on = false;
  const log: Recorded[] = [];
  const prepare = client.prepare.bind(client);
  client.prepare = ((source: string) => {
    const stmt = prepare(source);
    let raw = false;
    return new Proxy(stmt, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (prop === 'raw')
          return (toggle?: boolean) => {
            raw = toggle ?? true;
            target.raw(raw);
            return receiver as Database.Statement;
          };
        if (typeof v === 'function' && (prop === 'all' || prop === 'get' || prop === 'run' || prop === 'iterate'))
          return (...params: unknown[]) => {
            if (on) log.push({ stmt: prepare(source), method: prop, raw, params });
            return (v as (...p: unknown[]) => unknown).apply(target, params);
          };
        return typeof v === 'function' ? (v as (...p: unknown[]) => unknown).bind(target) : v;
      },
    });
  }) as typeof client.prepare;
  return {
    capture<T>(fn: () => T): Recorded[] {
      log.length = 0;
      on = true;
      try {
        fn();
      } finally {
        on = false;
      }
      return [...log];
    },
  };
}

function runRaw(statements: Recorded[]) {
  for (const s of statements) {
    const st = s.raw ? s.stmt.raw(true) : s.stmt;
    if (s.method === 'iterate') for (const _ of st.iterate(...s.params));
    else st[s.method](...s.params);
  }
}

async function time(fn: () => unknown, runs: number): Promise<number[]> {
  for (let i = 0; i < 5; i++) await fn(); // warm-up: caches, JIT, prepared statements
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

async function startWeb(dataDir: string): Promise<{ url: string; proc: ChildProcess }> {
  const { buildIfStale } = (await import(path.join(root, 'server/cli/build-if-stale.mjs'))) as { buildIfStale: () => boolean };
  buildIfStale();
  const port = await freePort();
  const proc = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    const ok = await fetch(`${url}/api/health`).then(
      (r) => r.status > 0,
      () => false,
    );
    if (ok) return { url, proc };
    await new Promise((r) => setTimeout(r, 150));
  }
  proc.kill();
  throw new Error('the web app did not start');
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-bench-query-'));
  const dataDir = path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true });
  const dbPath = path.join(dataDir, 'library.db');
  console.log(`seeding ${N.toLocaleString('en-US')} tracks in ${dbPath} …`);
  const db = openDatabase(dbPath);
  runMigrations(db.$client);
  seedTracks(db, N, { seed: 7, now: Date.now() });
  db.$client.exec("INSERT INTO tracks_fts(tracks_fts) VALUES ('optimize'); ANALYZE;");
  const rec = recorder(db.$client);
  const local: Local = { db, vocab: new Vocabulary(db, 3_600_000), facetIndex: new FacetIndex(db) };

  const web = await startWeb(dataDir);
  const client = createMismoClient({ url: web.url });
  const rows: Row[] = [['call', 'p50 / p95 ms  (http · direct · raw SQL)', 'http ÷ raw (p95)']];
  let failures = 0;
  try {
    for (const call of CALLS) {
      const httpMs = await time(() => call.http(client), RUNS);
      const directMs = await time(() => call.direct(local), RUNS);
      const statements = rec.capture(() => (call.sql ?? call.direct)(local));
      const rawMs = await time(() => runRaw(statements), RUNS);
      const p = (xs: number[]) => `${percentile(xs, 50).toFixed(1)}/${percentile(xs, 95).toFixed(1)}`;
      const ratio = percentile(httpMs, 95) / percentile(rawMs, 95);
      const ok = percentile(httpMs, 95) < 50 && ratio <= 3;
      if (!ok) failures++;
      rows.push([call.name, `${p(httpMs)} · ${p(directMs)} · ${p(rawMs)}  (${statements.length} stmt)`, `${ratio.toFixed(2)}×  ${ok ? 'ok' : 'MISSES TARGET'}`]);
      process.stdout.write('.');
    }
    // the floor: a call that does no work, over the same HTTP + tRPC path
    const floor = await time(() => client.system.authStatus.query(), RUNS);
    rows.push(['(floor: an empty call over HTTP)', `${percentile(floor, 50).toFixed(1)}/${percentile(floor, 95).toFixed(1)}`, '']);
  } finally {
    web.proc.kill('SIGTERM');
    closeDatabase(db);
    if (!args.keep) fs.rmSync(tmp, { recursive: true, force: true });
  }
  printTable(`tracks API over ${N.toLocaleString('en-US')} tracks, ${RUNS} runs each (targets: p95 < 50 ms and ≤ 3× raw SQLite)`, rows);
  console.log(failures ? `\n${failures} call(s) miss a target` : '\nevery call meets both targets');
  process.exitCode = failures ? 1 : 0;
}

void main();
