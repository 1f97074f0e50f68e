/**
 * `npm run bench:suggest` — what to play next and set ordering at library scale (issue 21).
 *
 * - `suggest.next` (in process, no HTTP) over N seeded tracks, for tracks across the tempo range,
 *   against the floor: a plain indexed query returning the same number of rows from the same band.
 * - arranging 50 / 300 / 1,000 tracks: the time, and the tour's cost against the order given
 *   (random) and against nearest neighbour alone.
 * Targets: suggest.next p95 < 50 ms; 300 tracks arranged < 1 s and ≥ 10 % cheaper than nearest
 * neighbour alone.
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { libraryDirectories } from '@/drizzle/schema';
import { arrangeSet } from '../suggest/arrange';
import { featuresOf, scoreSettings, suggestNext } from '../suggest/next-up';
import { createTestContext } from '../testing/create-test-context';
import { seedTracks } from '../testing/seed-tracks';
import { ROW_COLUMNS_SQL, tracksByIds } from '../tracks/track-rows';
import { percentile, printTable, type Row } from './report';

const { values: args } = parseArgs({ options: { tracks: { type: 'string', default: '100000' }, runs: { type: 'string', default: '60' } } });
const N = Number(args.tracks);
const RUNS = Number(args.runs);

const time = (f: () => unknown, runs: number) =>
  Array.from({ length: runs }, () => {
    const t0 = performance.now();
    f();
    return performance.now() - t0;
  });
const p = (xs: number[]) => `${percentile(xs, 50).toFixed(1)} / ${percentile(xs, 95).toFixed(1)}`;

const t = createTestContext({ file: true, realClock: true });
let failures = 0;
try {
  const now = Date.now();
  console.log(`seeding ${N.toLocaleString('en-US')} tracks …`);
  t.db.insert(libraryDirectories).values({ id: 'bench-dir', path: '/music', name: 'Music', createdAt: now, updatedAt: now }).run();
  const seeded = seedTracks(t.db, N, { seed: 21, now, directoryId: 'bench-dir' });
  t.db.$client.exec('ANALYZE');
  const sources = seeded.filter((x) => x.bpm !== null && x.keyPitch !== null && !x.isMissing).filter((_, i) => i % 97 === 0);
  const rows: Row[] = [['', 'p50 / p95 ms', 'ratio to floor (p95) · target']];
  let i = 0;
  const floorMs = time(() => {
    const s = sources[i++ % sources.length]!;
    t.db.all(sql`SELECT ${sql.raw(ROW_COLUMNS_SQL)} FROM tracks t WHERE t.bpm BETWEEN ${s.bpm! * 0.92} AND ${s.bpm! * 1.08} LIMIT 20`);
  }, RUNS);
  rows.push(['floor: 20 rows from the tempo band (indexed)', p(floorMs), '']);
  for (const [name, opts] of [
    ['suggest.next: any key, half/double', {}],
    ['suggest.next: compatible keys only', { keys: 'compatible' as const }],
    ['suggest.next: key lock off, energy up', { keyLock: false, direction: 'up' as const }],
  ] as const) {
    i = 0;
    const ms = time(() => suggestNext(t.ctx, { trackId: sources[i++ % sources.length]!.id, ...opts }), RUNS);
    const ok = percentile(ms, 95) < 50;
    if (!ok) failures++;
    rows.push([name, p(ms), `${(percentile(ms, 95) / percentile(floorMs, 95)).toFixed(1)}× · p95 < 50 ms ${ok ? 'ok' : 'MISSES'}`]);
  }
  const so = { ...scoreSettings(t.ctx), halfDouble: true, keyLock: true, now };
  const pool = tracksByIds(
    t.db,
    seeded.filter((x) => x.bpm !== null && !x.isMissing && !x.isBroken).map((x) => x.id),
  ).map(featuresOf);
  for (const n of [50, 300, 1000]) {
    const crate = pool.filter((_, k) => k % Math.floor(pool.length / n) === 0).slice(0, n);
    const t0 = performance.now();
    const r = arrangeSet(crate, { ...so, shape: 'peak', startId: crate[0]!.id });
    const ms = performance.now() - t0;
    const gain = 1 - r.cost / r.nearestNeighbourCost;
    const ok = n !== 300 || (ms < 1000 && gain >= 0.1);
    if (!ok) failures++;
    rows.push([
      `arrange ${n} tracks (peak shape)`,
      `${ms.toFixed(0)} ms`,
      `cost ${r.cost.toFixed(1)} vs nearest neighbour ${r.nearestNeighbourCost.toFixed(1)} (${(gain * 100).toFixed(0)} % better) vs random ${r.inputCost.toFixed(1)}${n === 300 ? ` · < 1 s, ≥ 10 % ${ok ? 'ok' : 'MISSES'}` : ''}`,
    ]);
  }
  printTable(`suggestions over ${N.toLocaleString('en-US')} tracks, ${RUNS} runs each (in process)`, rows);
} finally {
  t.cleanup();
}
console.log(failures ? `\n${failures} figure(s) miss a target` : '\nevery figure meets its target');
process.exitCode = failures ? 1 : 0;
