import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { events, scans } from '@/drizzle/schema';
import { dbFingerprint } from '../testing/db-fingerprint';
import { fixtureSuite } from '../testing/fixture-suite';
import { allTracks, runQueuedScan, scanNow, trackAt } from '../scan/testing';
import { testCaller } from '../trpc/test-caller';

const suite = fixtureSuite();

const unknownId = '3f0e8d8a-1c1b-4b7e-9b7e-1f2e3d4c5b6a';

/** A scanned scratch copy of the fixture library, with an API caller over it. */
async function scannedLibrary(prepare?: (root: string) => void) {
  const { t, root, dir } = await suite.scanned({ prepare });
  const { caller, hub } = testCaller(t);
  return { t, root, dir, caller, hub, ctx: t.ctx };
}
const tagged = () => suite.lib.truth.tracks.find((x) => x.tagged && x.tags?.title && !x.dupGroup && !x.path.startsWith('_Formats'))!;

describe('tracks.byId', () => {
  it('returns everything about a track: tags, file facts, folder, duplicates', async () => {
    const original = tagged();
    const copies = ['Copies/one' + path.extname(original.path), 'Copies/Deeper/two' + path.extname(original.path)];
    const { caller, hub, ctx } = await scannedLibrary((root) => {
      for (const c of copies) {
        fs.mkdirSync(path.dirname(path.join(root, c)), { recursive: true });
        fs.copyFileSync(path.join(root, original.path), path.join(root, c));
      }
    });
    const row = trackAt(ctx, original.path)!;
    const detail = await caller.tracks.byId({ id: row.id });
    expect(detail).toMatchObject({
      id: row.id,
      relPath: original.path,
      title: original.tags!.title,
      format: expect.any(String) as unknown,
      durationMs: expect.any(Number) as unknown,
      sizeBytes: fs.statSync(detail.absPath!).size,
    });
    expect(detail.duplicates.map((d) => d.relPath).sort()).toEqual(copies.sort());
    await expect(caller.tracks.byId({ id: unknownId })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/track/i) as unknown });
    hub.close();
  });
});

describe('tracks.update', () => {
  it('edits tags and user fields, validates, and keeps the edit through a full rescan', async () => {
    const { caller, hub, ctx, dir } = await scannedLibrary();
    const truth = tagged();
    const row = trackAt(ctx, truth.path)!;
    const lastEvent = ctx.db.select().from(events).all().at(-1)?.id ?? 0;

    const after = await caller.tracks.update({ id: row.id, title: '  Night Shift (Edit) ', rating: 4, genre: null, bpm: 126.5, key: 'Am' });
    expect(after).toMatchObject({
      title: 'Night Shift (Edit)',
      rating: 4,
      genre: null,
      bpm: 126.5,
      keyPitch: 9,
      keyMode: 0,
      editedFields: expect.arrayContaining(['title', 'genre']) as unknown,
    });
    const ev = ctx.db
      .select()
      .from(events)
      .all()
      .filter((e) => e.id > lastEvent);
    expect(ev.map((e) => e.type)).toContain('track:updated');

    // bad input: clear errors, nothing changes
    const before = dbFingerprint(ctx.db);
    await expect(caller.tracks.update({ id: row.id, rating: 9 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/rating is 0 to 5/) as unknown });
    await expect(caller.tracks.update({ id: unknownId, rating: 3 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(dbFingerprint(ctx.db)).toBe(before);

    // a full rescan re-reads the file's tags but keeps what the DJ edited
    await scanNow(ctx, dir.id, 'full');
    const rescanned = trackAt(ctx, truth.path)!;
    expect(rescanned).toMatchObject({ title: 'Night Shift (Edit)', genre: null, rating: 4, bpm: 126.5, keyPitch: 9, keyMode: 0 });
    expect(rescanned.artist).toBe(row.artist);

    // removing the corrections falls back to what the file says
    const undone = await caller.tracks.update({ id: row.id, bpm: null, key: null });
    expect(undone.bpm).toBe(row.bpm);
    expect([undone.keyPitch, undone.keyMode]).toEqual([row.keyPitch, row.keyMode]);
    hub.close();
  });
});

describe('tracks.remove and tracks.create', () => {
  it('removes from the library without touching the file, stays removed on rescan, and can be added back by hand', async () => {
    const { caller, hub, ctx, dir, root } = await scannedLibrary();
    const truth = tagged();
    const row = trackAt(ctx, truth.path)!;
    const file = path.join(root, truth.path);
    const bytes = fs.readFileSync(file);
    const count = allTracks(ctx).length;

    expect(await caller.tracks.remove({ ids: [row.id] })).toMatchObject({ removed: 1 });
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(allTracks(ctx)).toHaveLength(count - 1);
    await scanNow(ctx, dir.id, 'full');
    expect(trackAt(ctx, truth.path)).toBeUndefined();
    await expect(caller.tracks.remove({ ids: [unknownId] })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const created = await caller.tracks.create({ path: file });
    expect(created).toMatchObject({ directoryId: dir.id, relPath: truth.path });
    expect(ctx.db.select().from(scans).where(eq(scans.id, created.scanId)).get()).toMatchObject({ relPath: truth.path });
    await runQueuedScan(ctx, created.scanId);
    expect(trackAt(ctx, truth.path)).toMatchObject({ title: truth.tags!.title, isMissing: false });
    expect(allTracks(ctx)).toHaveLength(count);
    await expect(caller.tracks.create({ path: file })).rejects.toMatchObject({ code: 'CONFLICT' });
    hub.close();
  });

  it('refuses files outside the library, non-audio files and link tricks, with clear errors', async () => {
    const { caller, hub, ctx, root, t } = await scannedLibrary();
    const outsideDir = path.join(t.tmp, 'elsewhere');
    fs.mkdirSync(outsideDir);
    const outside = path.join(outsideDir, 'song.mp3');
    fs.copyFileSync(path.join(root, tagged().path), outside);
    const text = path.join(root, 'notes.txt');
    fs.writeFileSync(text, 'not audio');
    const link = path.join(root, 'sneaky.mp3');
    fs.symlinkSync(outside, link);
    const before = dbFingerprint(ctx.db);
    const cases: [string, RegExp][] = [
      [outside, /not inside any library folder/],
      [text, /Not an audio file/],
      [link, /not inside any library folder/],
      [path.join(root, 'absent.mp3'), /does not exist/],
      [`${root}/../elsewhere/song.mp3`, /\.\.|not inside|clean/i],
    ];
    for (const [p, message] of cases)
      await expect(caller.tracks.create({ path: p }), p).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) as unknown });
    expect(dbFingerprint(ctx.db)).toBe(before);
    hub.close();
  });
});

describe('directories.browse', () => {
  it('lists the folders and tracks at a path, with track counts and sizes of everything below', async () => {
    const { caller, hub, dir, ctx } = await scannedLibrary();
    const rows = allTracks(ctx);
    const top = await caller.directories.browse({ directoryId: dir.id });
    const expectTop = new Map<string, { tracks: number; sizeBytes: number }>();
    for (const r of rows) {
      const [first, ...rest] = r.relPath.split('/');
      if (!rest.length) continue;
      const e = expectTop.get(first!) ?? { tracks: 0, sizeBytes: 0 };
      e.tracks++;
      e.sizeBytes += r.sizeBytes;
      expectTop.set(first!, e);
    }
    expect(top.folders.map((f) => [f.name, { tracks: f.tracks, sizeBytes: f.sizeBytes }])).toEqual(
      [...expectTop].sort(([a], [b]) => a.localeCompare(b, 'en', { sensitivity: 'base' })),
    );
    expect(top.tracks.map((x) => x.relPath).sort()).toEqual(
      rows
        .filter((r) => !r.relPath.includes('/'))
        .map((r) => r.relPath)
        .sort(),
    );

    const deep = rows.map((r) => r.relPath).find((p) => p.split('/').length >= 3)!;
    const folder = deep.split('/').slice(0, -1).join('/');
    const inner = await caller.directories.browse({ directoryId: dir.id, path: folder });
    expect(inner.crumbs.map((c) => c.path).at(-1)).toBe(folder);
    expect(inner.tracks.map((x) => x.relPath)).toContain(deep);
    await expect(caller.directories.browse({ directoryId: dir.id, path: '../..' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.directories.browse({ directoryId: unknownId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    hub.close();
  });
});
