import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { analysisJobs, libraryDirectories, tracks } from '@/drizzle/schema';
import { closeDatabase, openDatabase, type Db } from '@/server/db/client';
import { runMigrations } from '@/server/db/migrate';
import { makeTestEnv, type Env } from '@/server/env';
import { SettingsStore } from '@/server/settings/store';

/** A data folder with a library of `n` small files whose tracks carry made-up audio hashes. */
export function analysisFixture(n: number, env: Record<string, string> = {}) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mismo-analysis-'));
  const music = path.join(tmp, 'music');
  fs.mkdirSync(music);
  const e = makeTestEnv({
    DATA_DIR: path.join(tmp, 'data'),
    WORKER_PORT: '0',
    LOG_LEVEL: 'silent',
    ANALYSIS_SERVER_HEALTH_CHECK_INTERVAL_MS: '200',
    ANALYSIS_RETRY_DELAY_MS: '50',
    ...env,
  });
  const db = openDatabase(e.db.path);
  runMigrations(db.$client);
  // no startup scan or watcher: these files are stand-ins, the tracks are seeded; and only the
  // (fake) server analyses them: the built-in analyzer would find no audio in them
  new SettingsStore(db).update({ 'library.scanOnStartup': false, 'library.watchDirectories': false, 'analysis.engine': 'server' });
  const dirId = crypto.randomUUID();
  db.insert(libraryDirectories).values({ id: dirId, path: music, name: 'Music', createdAt: 1, updatedAt: 1 }).run();
  const hashes: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < n; i++) hashes.push(crypto.createHash('sha1').update(`${tmp}-${i}`).digest('hex').slice(0, 16));
  addTracks(db, dirId, music, hashes, ids);
  closeDatabase(db);
  return {
    tmp,
    music,
    dirId,
    env: e,
    hashes,
    ids,
    cleanup: () => fs.rmSync(tmp, { recursive: true, force: true }),
  };
}

export function addTracks(db: Db, dirId: string, music: string, hashes: string[], ids: string[] = []) {
  for (const [i, hash] of hashes.entries()) {
    const rel = `track-${hash}.mp3`;
    fs.writeFileSync(path.join(music, rel), `fake audio ${i}`);
    const id = crypto.randomUUID();
    ids.push(id);
    db.insert(tracks)
      .values({
        id,
        directoryId: dirId,
        relPath: rel,
        fileName: rel,
        fileExt: 'mp3',
        sizeBytes: 12,
        mtimeMs: 1,
        audioHash: hash,
        title: `Track ${i}`,
        dateAdded: i,
        createdAt: 1,
        updatedAt: 1,
      })
      .run();
  }
  return ids;
}

export const jobsByStatus = (db: Db, status: (typeof analysisJobs.$inferSelect)['status']) => db.select().from(analysisJobs).where(eq(analysisJobs.status, status)).all();

export async function until<T>(what: string, fn: () => T | undefined | false | null, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export type { Env };
