/**
 * `npm run bench:playlists [-- --tracks 100000 --runs 60]`
 *
 * Seeds a library of made-up tracks (and a history of DJ sessions) in a temp SQLite file and times
 * what playlists do with it, each next to a baseline measured in the same run:
 * - smart playlists with five nested rules, evaluated (the refresh and the editor's live preview)
 *   against one plain scan of every track (the least any rule over all tracks can cost);
 * - reordering a 5,000-track playlist (drag and drop) against one statement that rewrites all its
 *   positions.
 * - importing a 20,000-line M3U (the most an import takes) against the 100,000-track library: its
 *   paths match exactly, by their tails (another computer), or by artist + title; against one plain
 *   scan of every track. It runs in the web process, so it must not hold it for seconds.
 * Targets: smart evaluation p95 < 100 ms, a reorder p95 < 50 ms, an import never holds the process > 500 ms at a stretch (the one write of every entry is the longest).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { closeDatabase, openDatabase, type Db } from '../db/client';
import { runMigrations } from '../db/migrate';
import { writeTx } from '../db/tx';
import { addTracks, createPlaylist, moveEntries } from '../playlists/playlists';
import { MAX_IMPORT_ENTRIES, importPlaylist } from '../playlists/exchange';
import { libraryDirectories } from '@/drizzle/schema';
import { explainRule, SmartDefinition, type Rule } from '../playlists/rules';
import { smartCount, smartTrackIds, storeSmartEntries } from '../playlists/smart';
import { recordPlay } from '../sessions/plays';
import { seedTracks } from '../testing/seed-tracks';
import { percentile, printTable, type Row } from './report';

const { values: args } = parseArgs({ options: { tracks: { type: 'string', default: '100000' }, runs: { type: 'string', default: '60' } } });
const N = Number(args.tracks);
const RUNS = Number(args.runs);
const PLAYLIST = 5_000;

/** "(House or Techno) and BPM 124–130 and not played in the last 3 sessions and (key compatible with 8A or energy ≥ 7) and not (rating 1)". */
const FIVE_NESTED: Rule = {
  all: [
    {
      any: [
        { field: 'genre', op: 'is', value: 'house' },
        { field: 'genre', op: 'is', value: 'techno' },
      ],
    },
    { field: 'bpm', op: 'between', value: [124, 130] },
    { field: 'sessions', op: 'notPlayedInLast', value: 3 },
    {
      any: [
        { field: 'key', op: 'compatible', value: '8A' },
        { field: 'energy', op: 'ge', value: 7 },
      ],
    },
    { not: { field: 'rating', op: 'eq', value: 1 } },
  ],
};

const SMART: { name: string; def: SmartDefinition }[] = [
  { name: 'five nested rules, sorted by BPM', def: SmartDefinition.parse({ rules: FIVE_NESTED, sort: [{ field: 'bpm', dir: 'asc' }] }) },
  {
    name: 'five nested rules, three sort fields, 2 h limit',
    def: SmartDefinition.parse({
      rules: FIVE_NESTED,
      sort: [
        { field: 'energy', dir: 'desc' },
        { field: 'bpm', dir: 'asc' },
        { field: 'title', dir: 'asc' },
      ],
      limit: { durationMinutes: 120 },
    }),
  },
  {
    name: 'text, near-BPM (half/double) and date rules',
    def: SmartDefinition.parse({
      rules: {
        all: [
          { any: [{ field: 'title', op: 'contains', value: 'night' }, { field: 'artist', op: 'startsWith', value: 'a' }, { not: { field: 'label', op: 'isEmpty' } }] },
          { field: 'bpm', op: 'near', value: { bpm: 126, percent: 3, halfDouble: true } },
          { field: 'dateAdded', op: 'inTheLast', value: 365 },
          { field: 'lastPlayed', op: 'notInTheLast', value: 30 },
          { not: { field: 'missing', op: 'is', value: true } },
        ],
      },
      sort: [{ field: 'random' }],
      limit: { count: 100 },
    }),
  },
];

function time(fn: () => unknown, runs: number): number[] {
  for (let i = 0; i < 5; i++) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

const p = (xs: number[]) => `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 95).toFixed(1)}`;

function sessions(db: Db, trackIds: string[], now: number) {
  // ten gigs a week apart, 40 plays each, ending yesterday
  let at = now - 70 * 86_400_000;
  let k = 0;
  for (let s = 0; s < 10; s++, at += 7 * 86_400_000) {
    writeTx(db, (tx) => {
      for (let i = 0; i < 40; i++) recordPlay(tx, trackIds[(k++ * 7919) % trackIds.length]!, at + i * 240_000, { inactivityHours: 4 });
    });
  }
}

/** The table and the count of figures that miss their target, shared by the sections below. */
interface Report {
  rows: Row[];
  failures: number;
  /** p95 of the baseline scan, ms. */
  scanP95: number;
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-bench-playlists-'));
  const db = openDatabase(path.join(tmp, 'library.db'));
  const report: Report = { rows: [['', 'p50 / p95 ms', 'ratio to baseline (p95) · target']], failures: 0, scanP95: 0 };
  try {
    runMigrations(db.$client);
    const now = Date.now();
    console.log(`seeding ${N.toLocaleString('en-US')} tracks …`);
    db.insert(libraryDirectories).values({ id: 'bench-dir', path: '/music', name: 'Music', createdAt: now, updatedAt: now }).run();
    const tracks = seedTracks(db, N, { seed: 11, now, directoryId: 'bench-dir' });
    sessions(
      db,
      tracks.map((t) => t.id),
      now,
    );
    db.$client.exec('ANALYZE');
    const scan = time(() => db.get(sql`SELECT count(*) AS n FROM tracks t WHERE t.duration_ms + t.size_bytes > 0`), RUNS);
    report.scanP95 = percentile(scan, 95);
    report.rows.push(['baseline: one plain scan of every track', p(scan), '']);
    benchSmart(db, report, now);
    benchReorders(
      db,
      report,
      tracks.map((t) => t.id),
      now,
    );
    await benchImport(db, report, tracks, now);
  } finally {
    closeDatabase(db);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  printTable(`playlists over ${N.toLocaleString('en-US')} tracks, ${RUNS} runs each (reorder times include reading the entry ids)`, report.rows);
  console.log(report.failures ? `\n${report.failures} figure(s) miss a target` : '\nevery figure meets its target');
  process.exitCode = report.failures ? 1 : 0;
}

/** Smart playlists: evaluation and live preview per rule set; a refresh that changes nothing and one that rewrites every entry. */
function benchSmart(db: Db, report: Report, now: number) {
  const { rows } = report;
  const ratio = (xs: number[]) => `${(percentile(xs, 95) / report.scanP95).toFixed(2)}×`;
  for (const s of SMART) {
    const evalMs = time(() => smartTrackIds(db, s.def, now, 1), RUNS);
    const previewMs = time(() => {
      smartCount(db, s.def, now);
      smartTrackIds(db, s.def, now, 1);
      explainRule(s.def.rules, { playlist: () => undefined, directory: () => undefined });
    }, RUNS);
    const n = smartTrackIds(db, s.def, now, 1).length;
    const ok = percentile(evalMs, 95) < 100;
    if (!ok) report.failures++;
    rows.push([`smart: ${s.name} (${n.toLocaleString('en-US')} tracks)`, p(evalMs), `${ratio(evalMs)} · p95 < 100 ms ${ok ? 'ok' : 'MISSES'}`]);
    rows.push(['  live preview (count + tracks + explain)', p(previewMs), ratio(previewMs)]);
  }
  const smart = writeTx(db, (tx) => createPlaylist(tx, { name: 'Peak', type: 'smart', smart: SMART[0]!.def }, now));
  const chosen = smartTrackIds(db, SMART[0]!.def, now, 1);
  const unchanged = time(() => writeTx(db, (tx) => storeSmartEntries(tx, smart.id, chosen, now)), RUNS);
  const reversed = [...chosen].reverse();
  let round = 0;
  const changed = time(() => writeTx(db, (tx) => storeSmartEntries(tx, smart.id, round++ % 2 ? chosen : reversed, now)), RUNS);
  rows.push([`smart refresh, store ${chosen.length.toLocaleString('en-US')} unchanged`, p(unchanged), '']);
  rows.push([`smart refresh, replace ${chosen.length.toLocaleString('en-US')} entries`, p(changed), '']);
}

/** Reordering a big static playlist, against one UPDATE of all its positions; positions must stay dense. */
function benchReorders(db: Db, report: Report, ids: string[], now: number) {
  const list = writeTx(db, (tx) => {
    const pl = createPlaylist(tx, { name: 'Big', type: 'static' }, now);
    addTracks(tx, pl.id, ids.slice(0, PLAYLIST), now);
    return pl;
  });
  const entries = () => db.all<{ id: number }>(sql`SELECT id FROM playlist_tracks WHERE playlist_id = ${list.id} ORDER BY position`).map((r) => r.id);
  const rewriteAll = time(() => writeTx(db, (tx) => tx.run(sql`UPDATE playlist_tracks SET position = (position + 1) % ${PLAYLIST} WHERE playlist_id = ${list.id}`)), RUNS);
  report.rows.push([`baseline: one UPDATE of all ${PLAYLIST.toLocaleString('en-US')} positions`, p(rewriteAll), '']);
  writeTx(db, (tx) =>
    tx.run(
      sql`UPDATE playlist_tracks SET position = r.n - 1 FROM (SELECT id, row_number() OVER (ORDER BY position, id) AS n FROM playlist_tracks WHERE playlist_id = ${list.id}) r WHERE playlist_tracks.id = r.id`,
    ),
  );
  const moves: [string, () => void][] = [
    ['last entry to the top (every position shifts)', () => moveEntries(db, list.id, [entries().at(-1)!], 0, now)],
    ['a block of 100 to the middle', () => moveEntries(db, list.id, entries().slice(4_000, 4_100), 2_500, now)],
    ['one entry down one place', () => moveEntries(db, list.id, [entries()[1_000]!], 1_001, now)],
  ];
  for (const [name, move] of moves) {
    const ms = time(() => writeTx(db, () => move()), RUNS);
    const ok = percentile(ms, 95) < 50;
    if (!ok) report.failures++;
    const ratio = (percentile(ms, 95) / percentile(rewriteAll, 95)).toFixed(2);
    report.rows.push([`reorder ${PLAYLIST.toLocaleString('en-US')}: ${name}`, p(ms), `${ratio}× · p95 < 50 ms ${ok ? 'ok' : 'MISSES'}`]);
  }
  const dense = db.get<{ ok: number }>(sql`SELECT count(*) = max(position) + 1 AND min(position) = 0 AS ok FROM playlist_tracks WHERE playlist_id = ${list.id}`).ok;
  if (!dense) throw new Error('positions are no longer dense after the reorders');
}

/** A 20,000-line M3U (a third exact paths, a third from another computer, a third by tags only): the whole import and the longest hold between pauses. */
async function benchImport(db: Db, report: Report, tracks: ReturnType<typeof seedTracks>, now: number) {
  const lines = ['#EXTM3U'];
  for (let i = 0; i < MAX_IMPORT_ENTRIES; i++) {
    const t = tracks[(i * 4_999) % tracks.length]!;
    lines.push(`#EXTINF:${Math.round((t.durationMs ?? 0) / 1000)},${t.artist} - ${t.title}`);
    lines.push(i % 3 === 0 ? `/music/${t.relPath}` : i % 3 === 1 ? `D:\\Old Laptop\\Music\\${t.relPath.replaceAll('/', '\\')}` : `gone/${i}.mp3`);
  }
  const content = lines.join('\n');
  let imported = 0;
  const importMs: number[] = [];
  const heldMs: number[] = [];
  for (let run = 0; run < 3; run++) {
    const t0 = performance.now();
    let last = t0;
    const pause = () =>
      new Promise<void>((r) => setImmediate(r)).then(() => {
        heldMs.push(performance.now() - last);
        last = performance.now();
      });
    const r = await importPlaylist(db, { fileName: 'big.m3u8', content }, now, pause);
    heldMs.push(performance.now() - last);
    importMs.push(performance.now() - t0);
    imported = r.total - r.unmatched.length;
  }
  const heldOk = percentile(heldMs, 100) < 500;
  if (!heldOk) report.failures++;
  const whole = `import a ${MAX_IMPORT_ENTRIES.toLocaleString('en-US')}-line M3U (${imported.toLocaleString('en-US')} matched), whole`;
  report.rows.push([whole, p(importMs), `${(percentile(importMs, 95) / report.scanP95).toFixed(2)}×`]);
  const held = `${(percentile(heldMs, 100) / report.scanP95).toFixed(2)}× (max) · max < 500 ms ${heldOk ? 'ok' : 'MISSES'}`;
  report.rows.push(['  longest stretch without a pause (the process is held)', p(heldMs), held]);
}

await main();
