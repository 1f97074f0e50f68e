/**
 * npm run bench:files -- [--files N]
 *
 * What journaled, crash-safe file operations cost against doing the same thing bare, in one run:
 *   - moving N tracks to another folder on the same drive (journal + O_EXCL reserve + rename + DB)
 *     vs a bare fs.rename loop over a copy of the same files
 *   - moving them to another drive (copy, fsync, verify by hash, place, DB, remove the source) vs a
 *     bare copyFile + unlink loop (no sync, no verify) — needs /dev/shm on another filesystem
 *   - deleting to the trash vs a bare rename into a folder
 * The library is the project's generated one, copied up to N files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { tracks } from '@/drizzle/schema';
import { commitPlan, planDelete, planMove } from '@/server/files/plan';
import { runBatch } from '@/server/files/run-batch';
import { createDirectory } from '@/server/library/create-directory';
import { addFolder, runQueuedScan } from '@/server/scan/testing';
import { createTestContext } from '@/server/testing/create-test-context';
import { fixtureLibrary } from '@/server/testing/library/generate';
import { printTable, type Row } from '@/server/bench/report';
import { fillFolder } from './library';

const args = process.argv.slice(2);
const FILES = Number(args[args.indexOf('--files') + 1] || 0) || 1000;

const seconds = async (f: () => unknown) => {
  const t0 = performance.now();
  await f();
  return (performance.now() - t0) / 1000;
};

async function main() {
  const lib = await fixtureLibrary({ n: 40, seed: 11, edgeCases: false });
  const t = createTestContext({ file: true, realClock: true });
  const root = path.join(t.tmp, 'music');
  fillFolder(root, lib.root, FILES);
  const { dir, scanId } = await addFolder(t.ctx, root);
  await runQueuedScan(t.ctx, scanId);
  const ids = () =>
    t.ctx.db
      .select({ id: tracks.id })
      .from(tracks)
      .where(eq(tracks.directoryId, dir.id))
      .all()
      .map((r) => r.id);
  const n = ids().length;
  const bytes = (t.ctx.db.$client.prepare('SELECT sum(size_bytes) AS b FROM tracks').get() as { b: number }).b;

  // bare baselines on a copy of the same files
  const bare = path.join(t.tmp, 'bare');
  fillFolder(bare, lib.root, FILES);
  const bareFiles = (fs.readdirSync(bare, { recursive: true }) as string[]).map((f) => path.join(bare, f)).filter((p) => fs.statSync(p).isFile());
  const bareRename = await seconds(() => {
    fs.mkdirSync(path.join(bare, 'Moved'));
    for (const f of bareFiles) fs.renameSync(f, path.join(bare, 'Moved', path.basename(f)));
  });
  const ours = await seconds(async () => runBatch(t.ctx, commitPlan(t.ctx, await planMove(t.ctx, { trackIds: ids(), folder: path.join(root, 'Moved') })).batchId));

  const rows: Row[] = [
    ['move, same drive (ours)', `${(n / ours).toFixed(0)} files/s`, `${ours.toFixed(2)} s for ${n} files`],
    ['bare fs.rename loop', `${(n / bareRename).toFixed(0)} files/s`, `${(bareRename * 1000).toFixed(0)} ms`],
  ];
  const checks: Row[] = [['same-drive move ÷ bare rename', (ours / bareRename).toFixed(1), 'journal + reserve + DB per file']];

  const shm = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').dev !== fs.statSync(t.tmp).dev;
  if (shm) {
    const other = fs.mkdtempSync('/dev/shm/mismo-bench-');
    try {
      await createDirectory(t.ctx, { path: other });
      const m = Math.min(n, 300);
      const some = ids().slice(0, m);
      const mb = (t.ctx.db.$client.prepare(`SELECT sum(size_bytes) AS b FROM tracks WHERE id IN (${some.map(() => '?').join(',')})`).get(...some) as { b: number }).b / 1e6;
      const across = await seconds(async () => runBatch(t.ctx, commitPlan(t.ctx, await planMove(t.ctx, { trackIds: some, folder: path.join(other, 'In') })).batchId));
      const bareOther = fs.mkdtempSync('/dev/shm/mismo-bare-');
      const bareCopy = await seconds(() => {
        for (const f of fs.readdirSync(path.join(bare, 'Moved')).slice(0, m)) {
          fs.copyFileSync(path.join(bare, 'Moved', f), path.join(bareOther, f));
          fs.unlinkSync(path.join(bare, 'Moved', f));
        }
      });
      fs.rmSync(bareOther, { recursive: true, force: true });
      rows.push(
        ['move, other drive (ours)', `${(mb / across).toFixed(0)} MB/s, ${(m / across).toFixed(0)} files/s`, `${across.toFixed(2)} s, copy + fsync + verify + place`],
        ['bare copyFile + unlink loop', `${(mb / bareCopy).toFixed(0)} MB/s`, `${(bareCopy * 1000).toFixed(0)} ms, no sync, no verify`],
      );
      checks.push(['other-drive move ÷ bare copy', (across / bareCopy).toFixed(1), 'two full reads for the hash check + fsync']);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  } else rows.push(['move, other drive', 'skipped', '/dev/shm is not another filesystem here']);

  const left = ids();
  const trash = await seconds(async () => {
    const batchId = `bench-${Date.now()}`;
    return runBatch(t.ctx, commitPlan(t.ctx, await planDelete(t.ctx, { trackIds: left }, batchId), batchId).batchId);
  });
  rows.push(['delete to trash (ours)', `${(left.length / trash).toFixed(0)} files/s`, `${trash.toFixed(2)} s for ${left.length} files, snapshot kept for restore`]);

  printTable(`bench:files — ${n} files, ${(bytes / 1e6).toFixed(0)} MB, ${os.availableParallelism()} cores`, rows);
  printTable('ratios (informational: safety costs, no target)', checks);
  t.cleanup();
}

await main();
