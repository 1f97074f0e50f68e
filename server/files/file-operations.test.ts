import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fileOperations, hotCues, jobs, playlists, playlistTracks, tracks, type FileOperation, type Track } from '@/drizzle/schema';
import { createAppContext, type AppContext } from '../context';
import { openDatabase } from '../db/client';
import { createDirectory } from '../library/create-directory';
import { scanNow, trackAt } from '../scan/testing';
import { fixtureSuite } from '../testing/fixture-suite';
import { hashWholeFile } from './disk';
import type { ExecuteHooks } from './execute';
import { commitPlan, listTrash, planDelete, planEmptyTrash, planMove, planOrganise, planRename, planRestore } from './plan';
import { recoverOperations } from './recover';
import { runBatch } from './run-batch';
import { renderTemplate } from './template';

const suite = fixtureSuite({ n: 10, seed: 11, edgeCases: false });

/** Content hash of every file under the roots (hidden folders and the trash included), by path. */
async function inventory(...roots: string[]) {
  const out = new Map<string, string>();
  for (const root of roots)
    for (const rel of fs.readdirSync(root, { recursive: true }) as string[]) {
      const p = path.join(root, rel);
      if (fs.lstatSync(p).isFile()) out.set(p, await hashWholeFile(p));
    }
  return out;
}
const contents = (inv: Map<string, string>) => [...inv.values()].sort();

/** Every present track's file exists where the database says, with the size it records. */
function assertDbMatchesDisk(ctx: AppContext) {
  const dirs = new Map(
    ctx.db.$client
      .prepare('SELECT id, path FROM library_directories')
      .all()
      .map((d) => [(d as { id: string }).id, (d as { path: string }).path]),
  );
  for (const t of ctx.db.select().from(tracks).where(eq(tracks.isMissing, false)).all()) {
    const p = path.join(dirs.get(t.directoryId!)!, t.relPath);
    expect(fs.existsSync(p), `${p} (track ${t.id}) is on disk`).toBe(true);
    expect(fs.statSync(p).size).toBe(t.sizeBytes);
  }
}

function firstTracks(ctx: AppContext, n: number): Track[] {
  return ctx.db.select().from(tracks).where(eq(tracks.isBroken, false)).orderBy(tracks.relPath).limit(n).all();
}

function decorate(ctx: AppContext, t: Track) {
  ctx.db
    .insert(hotCues)
    .values({ id: `cue-${t.id}`, trackId: t.id, cueIndex: 0, positionSec: 12.5, name: 'Drop', color: '#ff0000', createdAt: 1, updatedAt: 1 })
    .run();
  ctx.db.insert(playlists).values({ id: 'set', name: 'Set', type: 'static', createdAt: 1, updatedAt: 1 }).onConflictDoNothing().run();
  ctx.db.insert(playlistTracks).values({ playlistId: 'set', trackId: t.id, position: 0, addedAt: 1, notes: 'opener' }).run();
  ctx.db.update(tracks).set({ rating: 5 }).where(eq(tracks.id, t.id)).run();
}

async function runAll(ctx: AppContext, batchId: string, hooks?: ExecuteHooks) {
  return runBatch(ctx, batchId, { hooks });
}

/** A second process on the same database: what the worker is after a crash and restart. */
function restart(ctx: AppContext): AppContext {
  return createAppContext({ env: ctx.env, db: openDatabase(ctx.env.db.path), log: ctx.log, clock: ctx.clock, processKind: 'worker', ports: ctx.ports });
}

const never = () => new Promise<void>(() => undefined);

describe('file operations', () => {
  it('moves a track to another folder keeping its identity, cues, rating and playlist entry', async () => {
    const { ctx, root } = await suite.scanned();
    const [t] = firstTracks(ctx, 1);
    decorate(ctx, t!);
    const before = await inventory(root);
    const plan = await planMove(ctx, { trackIds: [t!.id], folder: path.join(root, 'Moved Here') });
    expect(plan.items[0]).toMatchObject({ from: path.join(root, t!.relPath), to: path.join(root, 'Moved Here', t!.fileName) });
    const { batchId } = commitPlan(ctx, plan);
    const result = await runAll(ctx, batchId);
    expect(result).toMatchObject({ done: 1, failed: [] });

    const after = await inventory(root);
    expect(contents(after)).toEqual(contents(before));
    expect(after.has(path.join(root, 'Moved Here', t!.fileName))).toBe(true);
    const moved = ctx.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()!;
    expect(moved).toMatchObject({ relPath: path.join('Moved Here', t!.fileName), rating: 5 });
    expect(ctx.db.select().from(hotCues).where(eq(hotCues.trackId, t!.id)).all()).toHaveLength(1);
    expect(ctx.db.select().from(playlistTracks).where(eq(playlistTracks.trackId, t!.id)).get()?.notes).toBe('opener');
    assertDbMatchesDisk(ctx);
    // a rescan agrees: nothing new, nothing missing
    const scan = await scanNow(ctx, t!.directoryId!);
    expect(scan.stats).toMatchObject({ added: 0, missing: 0 });
  });

  it('never overwrites: a clash in the plan gets a free name, one appearing mid-way fails cleanly', async () => {
    const { ctx, root } = await suite.scanned();
    const [a, b] = firstTracks(ctx, 2);
    const folder = path.join(root, 'Target');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, a!.fileName), 'someone else');
    const plan = await planMove(ctx, { trackIds: [a!.id], folder });
    const [stem, ext] = [a!.fileName.replace(/\.[^.]+$/, ''), path.extname(a!.fileName)];
    expect(plan.items[0]!.to).toBe(path.join(folder, `${stem} (2)${ext}`));
    expect(plan.items[0]!.note).toMatch(/exists there/);

    // destination appears between planning and the move
    const plan2 = await planMove(ctx, { trackIds: [b!.id], folder });
    const { batchId } = commitPlan(ctx, plan2);
    const before = await inventory(root);
    const result = await runAll(ctx, batchId, {
      afterStep: (step, op) => {
        if (step === 'started') fs.writeFileSync(op.dstPath!, 'arrived meanwhile');
      },
    });
    expect(result.failed[0]!.error).toMatch(/already exists.*nothing was overwritten/);
    expect(fs.readFileSync(path.join(folder, b!.fileName), 'utf8')).toBe('arrived meanwhile');
    const after = await inventory(root);
    after.delete(path.join(folder, b!.fileName));
    expect(contents(after)).toEqual(contents(before));
    expect(trackAt(ctx, b!.relPath)?.id).toBe(b!.id);
  });

  it('renames keeping the extension and refuses hostile names and destinations', async () => {
    const { ctx, root, t: tc } = await suite.scanned();
    const [t] = firstTracks(ctx, 1);
    const ext = path.extname(t!.fileName);
    const before = await inventory(root);
    const { batchId } = commitPlan(ctx, await planRename(ctx, { trackId: t!.id, name: 'Warm-up opener' }));
    await runAll(ctx, batchId);
    expect(contents(await inventory(root))).toEqual(contents(before));
    const renamed = ctx.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()!;
    expect(renamed.fileName).toBe(`Warm-up opener${ext}`);
    expect(fs.existsSync(path.join(root, path.dirname(t!.relPath), `Warm-up opener${ext}`))).toBe(true);

    for (const name of ['../escape', 'a/b', 'bad\u0007name', '.hidden', '..', ' ']) await expect(planRename(ctx, { trackId: t!.id, name })).rejects.toThrow(/name/);
    // bidirectional overrides would make "invoice\u202Egnp.mp3" read "invoicepng…": refused, all of them
    for (const bidi of ['\u202e', '\u202d', '\u2066', '\u2067', '\u2068', '\u2069', '\u200f', '\u061c'])
      await expect(planRename(ctx, { trackId: t!.id, name: `track${bidi}3pm.exe` })).rejects.toThrow(/reverse the text direction/);
    const outside = fs.mkdtempSync(path.join(tc.tmp, 'outside-'));
    await expect(planMove(ctx, { trackIds: [t!.id], folder: outside })).rejects.toThrow(/not inside a library folder/);
    await expect(planMove(ctx, { trackIds: [t!.id], folder: `${root}/../x` })).rejects.toThrow(/\.\./);
    await expect(planMove(ctx, { trackIds: [t!.id], folder: 'relative/folder' })).rejects.toThrow(/absolute/);
    await expect(planMove(ctx, { trackIds: [t!.id], folder: path.join(root, '.mismo-trash') })).rejects.toThrow(/hidden/);
    fs.symlinkSync(outside, path.join(root, 'sneaky'));
    await expect(planMove(ctx, { trackIds: [t!.id], folder: path.join(root, 'sneaky', 'deeper') })).rejects.toThrow(/not inside a library folder/);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it('deletes to the trash, lists it, and restores it with its cues and playlist entry', async () => {
    const { ctx, root } = await suite.scanned();
    const [t] = firstTracks(ctx, 1);
    decorate(ctx, t!);
    const before = await inventory(root);
    const { batchId } = commitPlan(ctx, await planDelete(ctx, { trackIds: [t!.id] }, 'b1'), 'b1');
    await runAll(ctx, batchId);
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()).toBeUndefined();
    const entry = ctx.db.select().from(playlistTracks).get()!;
    expect(entry.trackId).toBeNull();
    expect(entry.placeholder).toMatchObject({ title: t!.title });
    const trash = listTrash(ctx);
    expect(trash).toHaveLength(1);
    expect(trash[0]).toMatchObject({ originalRelPath: t!.relPath, title: t!.title, reason: 'deleted' });
    expect(contents(await inventory(root))).toEqual(contents(before)); // still there, in the trash
    // a scan does not bring it back from the trash
    expect((await scanNow(ctx, t!.directoryId!)).stats.added).toBe(0);

    const restore = commitPlan(ctx, planRestore(ctx, { itemIds: [trash[0]!.id] }));
    await runAll(ctx, restore.batchId);
    const back = ctx.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()!;
    expect(back).toMatchObject({ relPath: t!.relPath, rating: 5, isMissing: false });
    expect(ctx.db.select().from(hotCues).where(eq(hotCues.trackId, t!.id)).all()).toHaveLength(1);
    expect(ctx.db.select().from(playlistTracks).get()).toMatchObject({ trackId: t!.id, placeholder: null, notes: 'opener' });
    expect(listTrash(ctx)).toHaveLength(0);
    const after = await inventory(root);
    expect(contents(after)).toEqual(contents(before));
    expect(after.has(path.join(root, t!.relPath))).toBe(true);
    assertDbMatchesDisk(ctx);
  });

  it('empties the trash for good, and deletes permanently only when asked', async () => {
    const { ctx, root } = await suite.scanned();
    const [a, b] = firstTracks(ctx, 2);
    await runAll(ctx, commitPlan(ctx, await planDelete(ctx, { trackIds: [a!.id] }, 'b2'), 'b2').batchId);
    const purge = planEmptyTrash(ctx, {});
    expect(purge.items).toHaveLength(1);
    await runAll(ctx, commitPlan(ctx, purge).batchId);
    expect(listTrash(ctx)).toHaveLength(0);
    expect(fs.readdirSync(path.join(root, '.mismo-trash'), { recursive: true }).filter((f) => path.extname(String(f)))).toEqual([]);

    const del = await planDelete(ctx, { trackIds: [b!.id], permanent: true }, 'b3');
    expect(del.items[0]!.note).toMatch(/cannot be undone/);
    await runAll(ctx, commitPlan(ctx, del).batchId);
    expect(fs.existsSync(path.join(root, b!.relPath))).toBe(false);
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, b!.id)).get()).toBeUndefined();
  });

  it('organises a selection by template with safe names and resolved collisions', async () => {
    const { ctx, root } = await suite.scanned();
    const [a, b] = firstTracks(ctx, 2);
    ctx.db.update(tracks).set({ albumArtist: 'AC/DC', album: 'Live: "Best"?', trackNumber: 3, title: 'Same' }).where(eq(tracks.id, a!.id)).run();
    ctx.db
      .update(tracks)
      .set({ albumArtist: 'AC/DC', album: 'Live: "Best"?', trackNumber: 3, title: 'Same', fileName: `x${path.extname(a!.fileName)}` })
      .where(eq(tracks.id, b!.id))
      .run();
    const template = '{album artist}/{album}/{track:02} - {title}';
    const plan = await planOrganise(ctx, { trackIds: [a!.id, b!.id], template });
    const want = path.join(root, 'AC_DC', 'Live_ _Best__', `03 - Same${path.extname(a!.fileName)}`);
    expect(plan.items[0]!.to).toBe(want);
    expect(plan.items[1]!.to).not.toBe(want);
    expect(plan.items[1]!.to).toMatch(/03 - Same/);
    const before = await inventory(root);
    await runAll(ctx, commitPlan(ctx, plan).batchId);
    expect(contents(await inventory(root))).toEqual(contents(before));
    expect(fs.existsSync(want)).toBe(true);
    assertDbMatchesDisk(ctx);
    // no empty folder is left where they came from
    for (const t of [a!, b!]) {
      const from = path.join(root, path.dirname(t.relPath));
      if (from !== root && fs.existsSync(from)) expect(fs.readdirSync(from).length).toBeGreaterThan(0);
    }
  });

  it('a batch whose job is gone gets a new one at the next start, and carries on', async () => {
    const { ctx, root } = await suite.scanned();
    const [t] = firstTracks(ctx, 1);
    const { batchId, jobId } = commitPlan(ctx, await planMove(ctx, { trackIds: [t!.id], folder: path.join(root, 'Later') }));
    ctx.db.update(jobs).set({ status: 'failed', error: 'worker killed' }).where(eq(jobs.id, jobId)).run();
    const report = await recoverOperations(ctx);
    expect(report.requeuedBatches).toEqual([batchId]);
    const requeued = ctx.db
      .select()
      .from(jobs)
      .where(eq(jobs.dedupeKey, `files:${batchId}`))
      .all();
    expect(requeued.map((j) => j.status).sort()).toEqual(['failed', 'queued']);
    expect((await runAll(ctx, batchId)).done).toBe(1);
    expect(fs.existsSync(path.join(root, 'Later', t!.fileName))).toBe(true);
  });

  it('operations queued for the same file run one after the other, each on where the file is by then', async () => {
    const { ctx, root, t: tc } = await suite.scanned();
    const [t] = firstTracks(ctx, 1);
    const ext = path.extname(t!.fileName);
    // planned together: a move, then a rename planned against the old place
    const move = commitPlan(ctx, await planMove(ctx, { trackIds: [t!.id], folder: path.join(root, 'First') }));
    const rename = commitPlan(ctx, await planRename(ctx, { trackId: t!.id, name: 'Second' }));
    await runAll(ctx, move.batchId);
    await runAll(ctx, rename.batchId);
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()?.relPath).toBe(path.join('First', `Second${ext}`));
    expect(fs.existsSync(path.join(root, 'First', `Second${ext}`))).toBe(true);
    // a batch reports its progress as it goes
    const progress = tc.events().filter((e) => e.type === 'file_operation:progress');
    expect(progress).toEqual([]); // single-file batches need none
    const many = firstTracks(ctx, 3).map((x) => x.id);
    const { batchId } = commitPlan(ctx, await planMove(ctx, { trackIds: many, folder: path.join(root, 'Third') }));
    await runAll(ctx, batchId);
    expect(
      tc
        .events()
        .filter((e) => e.type === 'file_operation:progress')
        .at(-1)?.payload,
    ).toEqual({ batchId, done: 3, total: 3 });
  });

  it('the trash empties what has been there longer than asked, and only that', async () => {
    const { ctx, t: tc } = await suite.scanned();
    const [a, b] = firstTracks(ctx, 2);
    await runAll(ctx, commitPlan(ctx, await planDelete(ctx, { trackIds: [a!.id] }, 'old'), 'old').batchId);
    tc.clock.advance(31 * 86_400_000);
    await runAll(ctx, commitPlan(ctx, await planDelete(ctx, { trackIds: [b!.id] }, 'new'), 'new').batchId);
    const plan = planEmptyTrash(ctx, { olderThanDays: 30 });
    expect(plan.items.map((i) => i.title)).toEqual([a!.title]);
    await runAll(ctx, commitPlan(ctx, plan).batchId);
    expect(listTrash(ctx).map((i) => i.trackId)).toEqual([b!.id]);
  });

  it('renders templates with padding and unknown fields', () => {
    const t = { artist: 'Daft Punk', albumArtist: null, album: null, title: 'One More Time', trackNumber: 1, fileName: 'x.flac', bpm: 122.6 } as unknown as Track;
    expect(renderTemplate('{album artist}/{album}/{track:02} - {title} [{bpm}]', t)).toBe('Daft Punk/Unknown album/01 - One More Time [123].flac');
    expect(() => renderTemplate('/abs/{title}', t)).toThrow(/relative/);
    expect(() => renderTemplate('{nope}', t)).toThrow(/unknown field/);
    expect(() => renderTemplate('../{title}', t)).toThrow(/\.\./);
  });
});

describe('cross-device moves and crashes', () => {
  const shm = fs.existsSync('/dev/shm') && fs.statSync('/dev/shm').dev !== fs.statSync(os.tmpdir()).dev;

  /** A library with two folders; the second on another device when /dev/shm allows it. */
  async function twoFolders() {
    const s = await suite.scanned({ file: true });
    const other = fs.mkdtempSync(path.join(shm ? '/dev/shm' : s.t.tmp, 'mismo-other-'));
    const dir2 = await createDirectory(s.ctx, { path: other });
    const cleanup = () => fs.rmSync(other, { recursive: true, force: true });
    return { ...s, other, dir2, cleanup };
  }

  it('copies, verifies and then removes the source across devices, keeping the mtime', async () => {
    const { ctx, root, other, cleanup } = await twoFolders();
    try {
      const [t] = firstTracks(ctx, 1);
      const before = await inventory(root, other);
      const mtime = fs.statSync(path.join(root, t!.relPath)).mtimeMs;
      const plan = await planMove(ctx, { trackIds: [t!.id], folder: path.join(other, 'Crate') });
      const steps: string[] = [];
      await runAll(ctx, commitPlan(ctx, plan).batchId, { forceCopy: !shm, afterStep: (s) => void steps.push(s) });
      expect(steps).toEqual(['started', 'reserved', 'copying', 'copied', 'placed', 'committed']);
      expect(contents(await inventory(root, other))).toEqual(contents(before));
      const dst = path.join(other, 'Crate', t!.fileName);
      expect(Math.round(fs.statSync(dst).mtimeMs)).toBe(Math.round(mtime));
      const op = ctx.db.select().from(fileOperations).get()!;
      expect(op).toMatchObject({ status: 'done', fullHash: await hashWholeFile(dst) });
      assertDbMatchesDisk(ctx);
    } finally {
      cleanup();
    }
  });

  it('fails cleanly when the disk fills during the copy', async () => {
    const { ctx, root, other, cleanup } = await twoFolders();
    try {
      const [t] = firstTracks(ctx, 1);
      const before = await inventory(root, other);
      const plan = await planMove(ctx, { trackIds: [t!.id], folder: other });
      const result = await runAll(ctx, commitPlan(ctx, plan).batchId, {
        forceCopy: true,
        afterStep: (step) => {
          if (step === 'copying') throw Object.assign(new Error('write failed'), { code: 'ENOSPC' });
        },
      });
      expect(result.failed[0]!.error).toMatch(/Not enough space/);
      expect(contents(await inventory(root, other))).toEqual(contents(before));
      expect(fs.readdirSync(other)).toEqual([]); // no placeholder, no partial copy
      expect(trackAt(ctx, t!.relPath)?.id).toBe(t!.id);
    } finally {
      cleanup();
    }
  });

  const steps = [
    ['same device', false, ['started', 'reserved']],
    ['across devices', true, ['started', 'reserved', 'copying', 'copied', 'placed', 'committed']],
  ] as const;
  for (const [label, forceCopy, crashPoints] of steps)
    for (const crashAt of crashPoints)
      it(`a crash after "${crashAt}" (${label}) is repaired at the next start: every file once, where the database says`, async () => {
        const { ctx, root, other, cleanup } = await twoFolders();
        try {
          const [t, u] = firstTracks(ctx, 2);
          decorate(ctx, t!);
          const before = await inventory(root, other);
          const folder = forceCopy ? path.join(other, 'In') : path.join(root, 'In');
          const { batchId } = commitPlan(ctx, await planMove(ctx, { trackIds: [t!.id, u!.id], folder }));
          // the first move stops dead at the crash point, as a killed process would
          void runAll(ctx, batchId, { forceCopy, afterStep: (s) => (s === crashAt ? never() : undefined) });
          await new Promise((r) => setTimeout(r, 300));

          const next = restart(ctx);
          const report = await recoverOperations(next);
          expect(report.completed.length + report.rolledBack.length).toBe(1);
          expect(report.needsAttention).toEqual([]);
          expect(report.requeuedBatches).toEqual([]); // its job is still queued: it carries on with the second file
          await runAll(next, batchId, { forceCopy });

          const after = await inventory(root, other);
          expect(contents(after)).toEqual(contents(before));
          assertDbMatchesDisk(next);
          const first = next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()!;
          expect(first.rating).toBe(5);
          expect(next.db.select().from(hotCues).where(eq(hotCues.trackId, t!.id)).all()).toHaveLength(1);
          const ops = next.db.select().from(fileOperations).orderBy(fileOperations.seq).all();
          expect(ops.map((o) => o.status)).toEqual([report.completed.length ? 'done' : 'rolled_back', 'done']);
          expect(ops[0]!.meta.recovered).toBe(report.completed.length ? 'completed' : 'rolled_back');
          // a completed move means the file sits at its new path and nowhere else
          const at = report.completed.length ? path.join(folder, t!.fileName) : path.join(root, t!.relPath);
          expect(after.has(at)).toBe(true);
        } finally {
          cleanup();
        }
      });

  /** Runs a batch until its first operation reaches `at`, does `meanwhile` (what the dead process had done), then restarts. */
  async function crashThenRestart(ctx: AppContext, batchId: string, at: string, meanwhile?: (op: FileOperation) => void) {
    void runAll(ctx, batchId, {
      afterStep: (s, op) => {
        if (s !== at) return;
        meanwhile?.(op);
        return never();
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    const next = restart(ctx);
    const report = await recoverOperations(next);
    expect(report.needsAttention).toEqual([]);
    return { next, report, op: next.db.select().from(fileOperations).orderBy(fileOperations.id).get()! };
  }

  it('a crash just after a same-drive rename, before it was recorded, is completed at the next start', async () => {
    const { ctx, root } = await suite.scanned({ file: true });
    const [t] = firstTracks(ctx, 1);
    decorate(ctx, t!);
    const before = await inventory(root);
    const { batchId } = commitPlan(ctx, await planMove(ctx, { trackIds: [t!.id], folder: path.join(root, 'In') }));
    const { next, report } = await crashThenRestart(ctx, batchId, 'reserved', (op) => fs.renameSync(op.srcPath, op.dstPath!));
    expect(report.completed).toHaveLength(1);
    expect(contents(await inventory(root))).toEqual(contents(before));
    expect(next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()).toMatchObject({ relPath: path.join('In', t!.fileName), rating: 5 });
    assertDbMatchesDisk(next);
  });

  for (const [label, renamed] of [
    ['before', false],
    ['after', true],
  ] as const)
    it(`a crash ${label} a file went into the trash leaves it either in the library or in the trash, never lost`, async () => {
      const { ctx, root } = await suite.scanned({ file: true });
      const [t] = firstTracks(ctx, 1);
      decorate(ctx, t!);
      const before = await inventory(root);
      const { batchId } = commitPlan(ctx, await planDelete(ctx, { trackIds: [t!.id] }, 'crash'), 'crash');
      const { next, report } = await crashThenRestart(ctx, batchId, 'reserved', (op) => renamed && fs.renameSync(op.srcPath, op.dstPath!));
      expect(contents(await inventory(root))).toEqual(contents(before));
      assertDbMatchesDisk(next);
      if (renamed) {
        expect(report.completed).toHaveLength(1);
        expect(next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()).toBeUndefined();
        const [item] = listTrash(next);
        expect(item).toMatchObject({ originalRelPath: t!.relPath });
        // and it comes back whole from there
        await runAll(next, commitPlan(next, planRestore(next, { itemIds: [item!.id] })).batchId);
        expect(next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()).toMatchObject({ relPath: t!.relPath, rating: 5 });
        expect(next.db.select().from(hotCues).where(eq(hotCues.trackId, t!.id)).all()).toHaveLength(1);
      } else {
        expect(report.rolledBack).toHaveLength(1);
        expect(next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()?.relPath).toBe(t!.relPath);
        expect(listTrash(next)).toEqual([]);
      }
    });

  for (const [label, unlinked] of [
    ['before', false],
    ['after', true],
  ] as const)
    it(`a crash ${label} a permanent delete's unlink is settled at the next start`, async () => {
      const { ctx, root } = await suite.scanned({ file: true });
      const [t] = firstTracks(ctx, 1);
      decorate(ctx, t!);
      const { batchId } = commitPlan(ctx, await planDelete(ctx, { trackIds: [t!.id], permanent: true }, 'gone'), 'gone');
      const { next, report } = await crashThenRestart(ctx, batchId, 'started', (op) => unlinked && fs.unlinkSync(op.srcPath));
      assertDbMatchesDisk(next);
      expect(fs.existsSync(path.join(root, t!.relPath))).toBe(!unlinked);
      if (unlinked) {
        expect(report.completed).toHaveLength(1);
        expect(next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()).toBeUndefined();
        expect(next.db.select().from(playlistTracks).get()?.placeholder).toMatchObject({ title: t!.title });
      } else {
        expect(report.rolledBack).toHaveLength(1);
        expect(next.db.select().from(tracks).where(eq(tracks.id, t!.id)).get()?.rating).toBe(5);
      }
    });
});
