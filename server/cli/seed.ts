import { parseArgs } from 'node:util';
import { loadEnvOrExit } from '../env';
import { closeDatabase, openDatabase } from '../db/client';
import { runMigrations } from '../db/migrate';
import { seedTracks } from '../testing/seed-tracks';

/**
 * `npm run db:seed -- --tracks 100000 [--seed 7]`: adds made-up tracks (rows only, no files, in
 * no library folder) to the configured database, to try the UI and the API at scale.
 */
function main() {
  const { values } = parseArgs({ options: { tracks: { type: 'string', default: '100000' }, seed: { type: 'string', default: '7' } } });
  const n = Number(values.tracks);
  if (!Number.isInteger(n) || n < 1 || n > 5_000_000) {
    console.error('--tracks must be a whole number from 1 to 5,000,000');
    process.exit(2);
  }
  const env = loadEnvOrExit();
  const db = openDatabase(env.db.path);
  try {
    runMigrations(db.$client);
    const started = performance.now();
    seedTracks(db, n, { seed: Number(values.seed), now: Date.now() });
    db.$client.exec("INSERT INTO tracks_fts(tracks_fts) VALUES ('optimize'); ANALYZE;");
    console.log(`[seed] added ${n.toLocaleString('en-US')} tracks to ${env.db.path} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    closeDatabase(db);
  }
}

main();
