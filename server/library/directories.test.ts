import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { jobs, playlistTracks, playlists, tracks } from '@/drizzle/schema';
import { dbFingerprint } from '../testing/db-fingerprint';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { ConflictError, InvalidError, NotFoundError } from '../errors';
import { createDirectory } from './create-directory';
import { removeDirectory } from './remove-directory';
import { updateDirectory } from './update-directory';
import { checkAvailability } from '../scan/availability';
import { listDirectoryViews } from './queries';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

function dirs(base: string, ...names: string[]) {
  return names.map((n) => {
    const p = path.join(base, n);
    fs.mkdirSync(p, { recursive: true });
    return p;
  });
}

function insertTrack(t: TestContext, directoryId: string, relPath: string, extra: Partial<typeof tracks.$inferInsert> = {}) {
  const id = crypto.randomUUID();
  t.db
    .insert(tracks)
    .values({
      id,
      directoryId,
      relPath,
      fileName: path.basename(relPath),
      fileExt: 'mp3',
      sizeBytes: 10,
      mtimeMs: 1,
      dateAdded: 1,
      createdAt: 1,
      updatedAt: 1,
      title: relPath,
      artist: 'A',
      ...extra,
    })
    .run();
  return id;
}

describe('createDirectory', () => {
  it('stores the realpath, a default name and the volume identity; emits an event and queues a check', async () => {
    t = createTestContext();
    const [music] = dirs(t.tmp, 'Music');
    fs.symlinkSync(music!, path.join(t.tmp, 'link'));
    t.volumes.mount(t.tmp, { deviceId: '2065', fsUuid: 'ABCD-1234', isRemovable: true, mountPoint: t.tmp });
    const d = await createDirectory(t.ctx, { path: path.join(t.tmp, 'link') });
    expect(d).toMatchObject({ path: fs.realpathSync(music!), name: 'Music', isRemovable: true, fsUuid: 'ABCD-1234', deviceId: '2065', isAvailable: true });
    expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(t.events().map((e) => e.type)).toEqual(['library:directory:added', 'job:queued', 'job:queued']);
    // an availability check and the folder's first scan
    expect(t.db.select().from(jobs).all()).toMatchObject([
      { kind: 'library.checkAvailability', payload: { directoryId: d.id } },
      { kind: 'library.scan', dedupeKey: `scan:${d.id}` },
    ]);
  });

  it('rejects paths that do not exist, are files, are relative or contain control characters', async () => {
    t = createTestContext();
    const file = path.join(t.tmp, 'a.mp3');
    fs.writeFileSync(file, 'x');
    await expect(createDirectory(t.ctx, { path: path.join(t.tmp, 'nope') })).rejects.toThrow(/does not exist/);
    await expect(createDirectory(t.ctx, { path: file })).rejects.toThrow(InvalidError);
    await expect(createDirectory(t.ctx, { path: 'relative/music' })).rejects.toThrow(/absolute/);
    await expect(createDirectory(t.ctx, { path: `${t.tmp}/bad\u0007name` })).rejects.toThrow(/control characters/);
    expect(listDirectoryViews(t.db)).toEqual([]);
    expect(t.events()).toEqual([]);
  });

  it('refuses system folders and the data folder, whatever link leads there, changing nothing', async () => {
    t = createTestContext();
    fs.mkdirSync(t.ctx.env.dataDir, { recursive: true });
    fs.mkdirSync(path.join(t.ctx.env.dataDir, 'stems'), { recursive: true });
    fs.symlinkSync('/etc', path.join(t.tmp, 'innocent'));
    const before = dbFingerprint(t.db);
    for (const [p, reason] of [
      ['/', /system folder/],
      ['/etc', /system folder/],
      [path.join(t.tmp, 'innocent'), /system folder \(inside \/etc\)/],
      ['/proc/self', /system folder/],
      ['/sys', /system folder/],
      ['/dev', /system folder/],
      ['/boot', /system folder|does not exist/],
      ['/root', /system folder/],
      ['/usr/share', /system folder/],
      [t.ctx.env.dataDir, /inside the library's own data folder/],
      [path.join(t.ctx.env.dataDir, 'stems'), /inside the library's own data folder/],
      [t.tmp, /holds the library's own data folder/],
    ] as const) {
      await expect(createDirectory(t.ctx, { path: p }), p).rejects.toThrow(reason);
    }
    expect(dbFingerprint(t.db)).toBe(before);
  });

  it('refuses duplicates and folders nested in (or containing) another library folder', async () => {
    t = createTestContext();
    const [a, inner, outer] = dirs(t.tmp, 'lib/a', 'lib/a/inner', 'lib');
    await createDirectory(t.ctx, { path: a! });
    await expect(createDirectory(t.ctx, { path: a! + '/' })).rejects.toThrow(/already in the library/);
    await expect(createDirectory(t.ctx, { path: inner! })).rejects.toThrow(ConflictError);
    await expect(createDirectory(t.ctx, { path: outer! })).rejects.toThrow(/contains/);
    // a sibling whose name starts the same is fine
    const [ab] = dirs(t.tmp, 'lib/ab');
    await expect(createDirectory(t.ctx, { path: ab! })).resolves.toMatchObject({ name: 'ab' });
  });
});

describe('updateDirectory and removeDirectory', () => {
  it('updates flags and rules, rejecting unknown ids', async () => {
    t = createTestContext();
    const [a] = dirs(t.tmp, 'a');
    const d = await createDirectory(t.ctx, { path: a! });
    expect(updateDirectory(t.ctx, { id: d.id, name: 'Crate', excludePatterns: ['**/Samples/**'], maxDepth: 3 })).toMatchObject({
      name: 'Crate',
      excludePatterns: ['**/Samples/**'],
      maxDepth: 3,
    });
    expect(() => updateDirectory(t!.ctx, { id: crypto.randomUUID(), name: 'x' })).toThrow(NotFoundError);
    expect(() => updateDirectory(t!.ctx, { id: d.id, excludePatterns: ['../escape'] })).toThrow();
  });

  it('keeps tracks as missing (with their last path) when asked, and never touches files', async () => {
    t = createTestContext();
    const [a] = dirs(t.tmp, 'a');
    fs.writeFileSync(path.join(a!, 'x.mp3'), 'audio');
    const d = await createDirectory(t.ctx, { path: a! });
    const id = insertTrack(t, d.id, 'x.mp3');
    expect(removeDirectory(t.ctx, { id: d.id, tracks: 'keep' })).toEqual({ removedTracks: 0, keptTracks: 1 });
    expect(t.db.select().from(tracks).where(eq(tracks.id, id)).get()).toMatchObject({
      directoryId: null,
      isMissing: true,
      missingReason: 'directory_removed',
      formerPath: path.join(a!, 'x.mp3'),
    });
    expect(fs.existsSync(path.join(a!, 'x.mp3'))).toBe(true);
  });

  it('removes tracks from the library when asked, leaving playlist placeholders', async () => {
    t = createTestContext();
    const [a] = dirs(t.tmp, 'a');
    const d = await createDirectory(t.ctx, { path: a! });
    const id = insertTrack(t, d.id, 'x.mp3', { title: 'Track X', artist: 'Artist X', durationMs: 1234 });
    t.db.insert(playlists).values({ id: 'p1', name: 'P', type: 'static', createdAt: 1, updatedAt: 1 }).run();
    t.db.insert(playlistTracks).values({ playlistId: 'p1', trackId: id, position: 0, addedAt: 1 }).run();
    expect(removeDirectory(t.ctx, { id: d.id, tracks: 'remove' })).toEqual({ removedTracks: 1, keptTracks: 0 });
    expect(t.db.select().from(tracks).all()).toEqual([]);
    expect(t.db.select().from(playlistTracks).get()).toMatchObject({
      trackId: null,
      placeholder: { artist: 'Artist X', title: 'Track X', durationMs: 1234, path: path.join(a!, 'x.mp3') },
    });
  });

  it('requires an explicit choice about the tracks', () => {
    t = createTestContext();
    expect(() => removeDirectory(t!.ctx, { id: crypto.randomUUID() } as never)).toThrow(/keep the tracks/);
  });
});

describe('checkAvailability', () => {
  it('flips offline and back online with events, and notices a different volume at the same path', async () => {
    t = createTestContext();
    const [a] = dirs(t.tmp, 'usb/Music');
    t.volumes.mount(path.join(t.tmp, 'usb'), { deviceId: '2081', fsUuid: 'USB-1', mountPoint: path.join(t.tmp, 'usb') });
    const d = await createDirectory(t.ctx, { path: a! });
    const mark = t.events().at(-1)!.id;

    fs.renameSync(path.join(t.tmp, 'usb'), path.join(t.tmp, 'usb-away'));
    expect(await checkAvailability(t.ctx, d.id)).toMatchObject([{ available: false, changed: true }]);
    fs.renameSync(path.join(t.tmp, 'usb-away'), path.join(t.tmp, 'usb'));
    expect(await checkAvailability(t.ctx, d.id)).toMatchObject([{ available: true, changed: true }]);
    expect(
      t
        .events(mark)
        .map((e) => e.type)
        .filter((x) => x.startsWith('library:media')),
    ).toEqual(['library:media:disconnected', 'library:media:connected']);

    t.volumes.mount(path.join(t.tmp, 'usb'), { deviceId: '2097', fsUuid: 'OTHER-DRIVE', mountPoint: path.join(t.tmp, 'usb') });
    expect(await checkAvailability(t.ctx, d.id)).toMatchObject([{ available: false, reason: 'a different volume is mounted at this path' }]);
  });
});
