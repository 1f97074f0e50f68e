import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../db/client';
import { loadMigrations, migrationStatus, runMigrations } from '../db/migrate';
import { makeTestEnv } from '../env';
import { addFolder, runQueuedScan } from '../scan/testing';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { fixtureLibrary } from '../testing/library/generate';
import { writeHeartbeat } from '../system/worker-status';
import { seedTracks } from '../testing/seed-tracks';
import { backupDir, checkIntegrity, createBackup, createBackupSync, listBackups, migrateWithBackup, pruneBackups, scheduledBackupDue } from './backup';
import { RestoreRefusedError, resolveBackupFile, restoreBackup } from './restore';

let lib: Awaited<ReturnType<typeof fixtureLibrary>>;
beforeAll(async () => {
  lib = await fixtureLibrary({ n: 12, seed: 5, edgeCases: false });
}, 300_000);

const open: TestContext[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.cleanup();
});
function context() {
  const t = createTestContext({ file: true, realClock: true });
  open.push(t);
  return t;
}

const trackIds = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return new Set((db.prepare('SELECT id FROM tracks').all() as { id: string }[]).map((r) => r.id));
  } finally {
    db.close();
  }
};
const liveIds = (t: TestContext) => new Set((t.db.$client.prepare('SELECT id FROM tracks').all() as { id: string }[]).map((r) => r.id));
const quietLog = { info: () => undefined, warn: () => undefined };

describe('online backups', () => {
  it('copies a database a scan is writing to into a consistent backup that restores with every committed row', async () => {
    const t = context();
    const root = path.join(t.tmp, 'music');
    for (const copy of ['a', 'b', 'c', 'd']) fs.cpSync(lib.root, path.join(root, copy), { recursive: true });
    const { scanId } = await addFolder(t.ctx, root);
    let scanning = true;
    const scan = runQueuedScan(t.ctx, scanId).finally(() => (scanning = false));

    // the worker's backup job uses the worker's own connection, the one the scan writes through
    const backups: { file: string; before: Set<string>; after: Set<string> }[] = [];
    while (scanning) {
      const before = liveIds(t);
      const info = await createBackup(t.db.$client, { dir: backupDir(t.ctx.env), reason: 'manual', now: Date.now(), keep: 1000, pagesPerStep: 1 });
      backups.push({ file: info.path, before, after: liveIds(t) });
    }
    const result = await scan;
    const final = liveIds(t);
    expect(result.status).toBe('completed');
    expect(final.size).toBe(lib.truth.tracks.length * 4);

    const overlapping = backups.filter((b) => b.after.size > b.before.size);
    expect(overlapping.length).toBeGreaterThan(0); // the scan committed rows while a backup was being copied
    for (const b of backups) {
      expect(checkIntegrity(b.file)).toEqual({ ok: true, problems: [] });
      const inBackup = trackIds(b.file);
      for (const id of b.before) expect(inBackup.has(id)).toBe(true); // every row committed before it started
      for (const id of inBackup) expect(final.has(id)).toBe(true); // and nothing that was never committed
    }

    // restore the last backup taken mid-scan into a fresh install and open it as the app does
    const chosen = overlapping.at(-1)!;
    const target = makeTestEnv({ DATA_DIR: path.join(t.tmp, 'restored') });
    const r = await restoreBackup(target, chosen.file, { skipRunningCheck: true });
    expect(r.tracks).toBe(trackIds(chosen.file).size);
    expect(checkIntegrity(target.db.path).ok).toBe(true);
    const db = openDatabase(target.db.path);
    try {
      expect(runMigrations(db.$client)).toEqual([]);
      const restored = new Set((db.$client.prepare('SELECT id FROM tracks').all() as { id: string }[]).map((x) => x.id));
      expect(restored).toEqual(trackIds(chosen.file));
      // the search index came along in step with its table
      const fts = db.$client.prepare("SELECT count(*) AS n FROM tracks_fts WHERE tracks_fts MATCH 'a* OR e* OR i* OR o* OR u*'").get() as { n: number };
      expect(fts.n).toBeGreaterThan(0);
    } finally {
      closeDatabase(db);
    }
  }, 120_000);

  it('copies and checks in a thread: the main loop keeps running however big the library is', async () => {
    const t = context();
    seedTracks(t.db, 10_000, { seed: 4, now: 1 });
    let last = performance.now();
    let longest = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 5);
    const t0 = performance.now();
    const info = await createBackup(t.db.$client, { dir: backupDir(t.ctx.env), reason: 'manual', now: Date.now() });
    await new Promise((r) => setTimeout(r, 20)); // a last tick, to see a stall at the very end too
    const took = performance.now() - t0;
    clearInterval(tick);
    expect(trackIds(info.path).size).toBe(10_000);
    // done on this thread, the copy and the check are one stall as long as the whole backup
    expect(longest).toBeLessThan(took / 2);
  });

  it('also works from a second connection (the web process or `npm run db:backup`)', async () => {
    const t = context();
    t.db.$client.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('ui.keyNotation', '\"open\"', 1)").run();
    const other = openDatabase(t.ctx.env.db.path, { readonly: true });
    try {
      const info = await createBackup(other.$client, { dir: backupDir(t.ctx.env), reason: 'manual', now: Date.now() });
      const copy = new Database(info.path, { readonly: true });
      expect(copy.prepare("SELECT value FROM settings WHERE key = 'ui.keyNotation'").get()).toEqual({ value: '"open"' });
      copy.close();
    } finally {
      closeDatabase(other);
    }
  });

  it('names, lists and rotates backups per reason, and knows when a scheduled one is due', async () => {
    const t = context();
    const dir = backupDir(t.ctx.env);
    const hour = 3_600_000;
    const start = Date.UTC(2026, 10, 1, 3, 0, 0);
    expect(scheduledBackupDue(dir, 24, start)).toBe(true);
    for (let i = 0; i < 9; i++) await createBackup(t.db.$client, { dir, reason: 'scheduled', now: start + i * 24 * hour, keep: 7 });
    createBackupSync(t.db.$client, { dir, reason: 'pre-migration', now: start });
    const list = listBackups(dir);
    expect(list.filter((b) => b.reason === 'scheduled')).toHaveLength(7);
    expect(list.filter((b) => b.reason === 'pre-migration')).toHaveLength(1); // other reasons are not rotated away
    expect(list[0]!.createdAt).toBe(start + 8 * 24 * hour);
    expect(list[0]!.name).toBe('library-20261109T030000000Z-scheduled.db');
    const last = start + 8 * 24 * hour;
    expect(scheduledBackupDue(dir, 24, last + 23 * hour)).toBe(false);
    expect(scheduledBackupDue(dir, 24, last + 24 * hour)).toBe(true);
    expect(scheduledBackupDue(dir, 0, last + 1000 * hour)).toBe(false); // 0 = off
    expect(pruneBackups(dir, 'scheduled', 2)).toHaveLength(5);
    // stray files in the folder are not ours and are left alone
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(listBackups(dir).map((b) => b.name)).not.toContain('notes.txt');
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  });

  it('backs a database up before migrating it, and not an empty one', () => {
    const t = context();
    const all = loadMigrations();
    const older = path.join(t.tmp, 'older.db');
    const db = new Database(older);
    runMigrations(db, { migrations: all.slice(0, -1) });
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('x', '1', 1)").run();
    const env = makeTestEnv({ DATA_DIR: path.join(t.tmp, 'd') });
    expect(migrateWithBackup(db, env, quietLog)).toEqual([all.at(-1)!.tag]);
    db.close();
    const [b] = listBackups(backupDir(env));
    expect(b!.reason).toBe('pre-migration');
    const copy = new Database(b!.path, { readonly: true });
    expect(migrationStatus(copy).pending).toEqual([all.at(-1)!.tag]); // the copy is the database as it was
    copy.close();

    const fresh = new Database(path.join(t.tmp, 'fresh.db'));
    migrateWithBackup(fresh, makeTestEnv({ DATA_DIR: path.join(t.tmp, 'e') }), quietLog);
    fresh.close();
    expect(listBackups(path.join(t.tmp, 'e', 'backups'))).toEqual([]);
  });
});

describe('restore', () => {
  async function withBackup() {
    const t = context();
    t.db.$client.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('marker', '\"backup\"', 1)").run();
    const info = await createBackup(t.db.$client, { dir: backupDir(t.ctx.env), reason: 'manual', now: Date.now() });
    t.db.$client.prepare("UPDATE settings SET value = '\"after\"' WHERE key = 'marker'").run();
    return { t, info };
  }
  const marker = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      return (db.prepare("SELECT value FROM settings WHERE key = 'marker'").get() as { value: string } | undefined)?.value;
    } finally {
      db.close();
    }
  };

  it('replaces the database, keeps the one it replaced and never replays the old WAL onto it', async () => {
    const { t, info } = await withBackup();
    const env = t.ctx.env;
    // a crash leaves the last commits in the WAL only
    const wal = fs.readFileSync(`${env.db.path}-wal`);
    closeDatabase(t.db);
    fs.writeFileSync(`${env.db.path}-wal`, wal);
    expect(marker(env.db.path)).toBe('"after"');
    fs.writeFileSync(`${env.db.path}-wal`, wal);
    const r = await restoreBackup(env, resolveBackupFile(env, 'latest'), { skipRunningCheck: true });
    expect(marker(env.db.path)).toBe('"backup"');
    expect(checkIntegrity(env.db.path).ok).toBe(true);
    expect(r.safetyCopy).toMatch(/pre-restore\.db$/);
    expect(marker(r.safetyCopy!)).toBe('"after"');
    expect(resolveBackupFile(env, info.name)).toBe(info.path);
  });

  it('refuses a damaged file, a foreign database, one from a newer version and a missing name, and changes nothing', async () => {
    const { t, info } = await withBackup();
    const env = t.ctx.env;
    const damaged = path.join(t.tmp, 'damaged.db');
    const bytes = fs.readFileSync(info.path);
    bytes.fill(0x5a, 4096, 8192); // overwrite a page in the middle
    fs.writeFileSync(damaged, bytes);
    const text = path.join(t.tmp, 'song.mp3');
    fs.writeFileSync(text, 'ID3 not a database at all');
    const foreign = path.join(t.tmp, 'foreign.db');
    new Database(foreign).exec('CREATE TABLE x (a)').close();
    const newer = path.join(t.tmp, 'newer.db');
    fs.copyFileSync(info.path, newer);
    new Database(newer).exec("INSERT INTO schema_migrations (idx, tag, checksum, applied_at) VALUES (999, '0999_future', 'x', 0)").close();

    for (const [file, why] of [
      [damaged, /integrity|not a readable|malformed/i],
      [text, /not a readable SQLite database/],
      [foreign, /not a Mismo Library database/],
      [newer, /newer version/],
    ] as const) {
      await expect(restoreBackup(env, file, { skipRunningCheck: true })).rejects.toThrow(why);
      expect(marker(env.db.path)).toBe('"after"');
    }
    expect(() => resolveBackupFile(env, 'nope.db')).toThrow(RestoreRefusedError);
    expect(listBackups(backupDir(env)).filter((b) => b.reason === 'pre-restore')).toEqual([]);
  });

  it('refuses while the worker or the web is running', async () => {
    const { t, info } = await withBackup();
    // a worker that beats
    writeHeartbeat(t.db, { id: 'w1', pid: 1, hostname: 'here', version: 'x', state: 'running', components: {}, startedAt: Date.now(), heartbeatAt: Date.now() });
    await expect(restoreBackup(t.ctx.env, info.path)).rejects.toThrow(/Stop Mismo Library first: a worker/);
    t.db.$client.prepare("UPDATE worker_status SET state = 'stopped'").run();

    // a web server answering on the configured port
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const env = makeTestEnv({ DATA_DIR: t.ctx.env.dataDir, PORT: String(port) });
      await expect(restoreBackup(env, info.path)).rejects.toThrow(/the web server \(port \d+\) is running/);
    } finally {
      server.close();
    }
    expect(marker(t.ctx.env.db.path)).toBe('"after"');
  });
});

describe('the backup job', () => {
  it('makes a scheduled backup only when one is due, announces it and rotates by the keep setting', async () => {
    const { backupJob } = await import('@/worker/jobs/backup');
    const t = createTestContext({ file: true });
    open.push(t);
    t.clock.set(Date.UTC(2026, 10, 1));
    t.ctx.settings.update({ 'backups.keep': 2 });
    const run = (reason: 'scheduled' | 'manual') =>
      backupJob.run({ ctx: t.ctx, payload: { reason }, job: {} as never, signal: new AbortController().signal, progress: () => undefined });
    expect(await run('scheduled')).toMatchObject({ outcome: 'done' });
    expect(await run('scheduled')).toBe('skipped'); // not due yet
    t.clock.advance(24 * 3_600_000);
    expect(await run('scheduled')).toMatchObject({ outcome: 'done' });
    t.clock.advance(24 * 3_600_000);
    expect(await run('scheduled')).toMatchObject({ outcome: 'done' });
    expect(await run('manual')).toMatchObject({ outcome: 'done' }); // on demand: always
    const list = listBackups(backupDir(t.ctx.env));
    expect(list.filter((b) => b.reason === 'scheduled')).toHaveLength(2);
    expect(list.filter((b) => b.reason === 'manual')).toHaveLength(1);
    expect(t.events().filter((e) => e.type === 'backup:created')).toHaveLength(4);
    t.ctx.settings.update({ 'backups.intervalHours': 0 });
    t.clock.advance(100 * 24 * 3_600_000);
    expect(await run('scheduled')).toBe('skipped'); // scheduled backups off
  });
});
