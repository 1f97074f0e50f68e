import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { jobs, libraryDirectories, playlistTracks, playlists, scans, tracks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '@/server/testing/create-test-context';
import { fixtureLibrary, type Truth } from '@/server/testing/library/generate';
import { createInlineScanner } from '@/server/scan/inline-scanner';
import { addFolder, allTracks, trackAt } from '@/server/scan/testing';
import { jobRegistry } from '../jobs';
import { JobRunner } from '../queue/runner';
import { commonFolder } from '@/server/folders/paths';
import type { WatchFactory } from './directory-watcher';
import { WatchService, type WatchServiceOptions } from './watch-service';

let lib: { root: string; truth: Truth };
beforeAll(async () => {
  lib = await fixtureLibrary({ n: 12, seed: 5, edgeCases: false });
}, 300_000);

interface Live {
  /** Scans up to the watcher's catch-up scan; tests count the ones after. */
  baseline: number;
  t: TestContext;
  root: string;
  dirId: string;
  watch: WatchService;
  runner: JobRunner;
}
let live: Live | undefined;
afterEach(async () => {
  if (!live) return;
  await live.watch.stop();
  await live.runner.stop(5_000);
  live.t.cleanup();
  live = undefined;
});

const until = async (what: string, check: () => boolean, timeoutMs = 20_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

/** A scanned copy of the fixture library with a real job runner, and a watch service not yet started. */
async function liveLibrary(opts: Partial<WatchServiceOptions> = {}): Promise<Live> {
  const t = createTestContext({ realClock: true, ports: { scanner: createInlineScanner() } });
  const root = path.join(t.tmp, 'music');
  fs.cpSync(lib.root, root, { recursive: true });
  const runner = new JobRunner(t.ctx, jobRegistry, { owner: 'test-worker', maxParallel: 4, pollMs: 25 });
  runner.start();
  const { dir } = await addFolder(t.ctx, root);
  const watch = new WatchService(t.ctx, { onQueued: () => runner.wake(), settleMs: 800, debounceMs: 300, syncMs: 200, removableCheckMs: 200, fixedCheckMs: 200, ...opts });
  live = { t, root, dirId: dir.id, watch, runner, baseline: 0 };
  await until('the first scan', () => idle(live!));
  return live;
}

/** The same, watched, once the watcher's catch-up scan is done (tests count the scans after it). */
async function watchedLibrary(opts: Partial<WatchServiceOptions> = {}): Promise<Live> {
  const l = await liveLibrary(opts);
  await l.watch.start();
  await until('the watcher and its catch-up scan', () => directory(l).watchState === 'watching' && idle(l));
  l.baseline = Math.max(
    0,
    ...l.t.db
      .select({ id: scans.id })
      .from(scans)
      .all()
      .map((x) => x.id),
  );
  return l;
}

const directory = (l: Live) => l.t.db.select().from(libraryDirectories).where(eq(libraryDirectories.id, l.dirId)).get()!;
const idle = (l: Live) =>
  l.t.db
    .select()
    .from(jobs)
    .all()
    .every((j) => j.status !== 'queued' && j.status !== 'running');
const watcherScans = (l: Live) =>
  l.t.db
    .select()
    .from(scans)
    .where(eq(scans.trigger, 'watcher'))
    .all()
    .filter((x) => x.id > l.baseline);
const aFile = (ext = '.mp3') => lib.truth.tracks.find((x) => x.path.endsWith(ext) && x.tags?.title && !x.path.startsWith('_Formats'))!;

describe('watching a library folder', () => {
  it('imports a file copied in slowly once, when it is complete', async () => {
    const l = await watchedLibrary();
    const src = path.join(l.root, aFile().path);
    const bytes = fs.readFileSync(src);
    const original = trackAt(l.t.ctx, aFile().path)!;
    const dst = path.join(l.root, 'Incoming', 'slow copy.mp3');
    fs.mkdirSync(path.dirname(dst));
    const lastEvent = l.t.events().at(-1)?.id ?? 0;
    // written in 8 chunks over ~3 seconds, as a copy over a slow network would
    const fd = fs.openSync(dst, 'w');
    const chunk = Math.ceil(bytes.length / 8);
    for (let i = 0; i < bytes.length; i += chunk) {
      fs.writeSync(fd, bytes, i, Math.min(chunk, bytes.length - i));
      await new Promise((r) => setTimeout(r, 400));
    }
    fs.closeSync(fd);
    await until('the file to be imported', () => trackAt(l.t.ctx, 'Incoming/slow copy.mp3') !== undefined && idle(l));
    const row = trackAt(l.t.ctx, 'Incoming/slow copy.mp3')!;
    expect(row).toMatchObject({ sizeBytes: bytes.length, isBroken: false, audioHash: original.audioHash, title: original.title });
    // once: one track:added that names it, no later update from a half-written read
    const events = l.t.events(lastEvent);
    const mentions = (type: string) => events.filter((e) => e.type === type && JSON.stringify(e.payload).includes(row.id)).length;
    expect(mentions('track:added')).toBe(1);
    expect(mentions('track:updated')).toBe(0);
    expect(watcherScans(l).length).toBe(1);
  });

  it('500 files dropped at once make a handful of scans, not 500', async () => {
    const l = await watchedLibrary();
    const sources = lib.truth.tracks.filter((x) => !x.path.startsWith('_Formats')).map((x) => path.join(l.root, x.path));
    const drop = path.join(l.t.tmp, 'drop');
    for (let i = 0; i < 500; i++) {
      const folder = path.join(drop, `Album ${i % 10}`);
      fs.mkdirSync(folder, { recursive: true });
      fs.copyFileSync(sources[i % sources.length]!, path.join(folder, `${String(i).padStart(3, '0')} track${path.extname(sources[i % sources.length]!)}`));
    }
    const before = allTracks(l.t.ctx).length;
    fs.renameSync(drop, path.join(l.root, 'Dropped'));
    await until('500 new tracks', () => allTracks(l.t.ctx).length === before + 500 && idle(l), 60_000);
    expect(watcherScans(l).length).toBeGreaterThanOrEqual(1);
    expect(watcherScans(l).length).toBeLessThanOrEqual(5);
    expect(allTracks(l.t.ctx).filter((x) => x.relPath.startsWith('Dropped/') && x.isBroken)).toEqual([]);
  }, 90_000);

  it('a rename and a move between folders keep the track, its rating and its playlist entries', async () => {
    const l = await watchedLibrary();
    const rel = aFile().path;
    const track = trackAt(l.t.ctx, rel)!;
    l.t.db.insert(playlists).values({ id: 'p1', name: 'Friday', type: 'static', createdAt: 1, updatedAt: 1 }).run();
    l.t.db.insert(playlistTracks).values({ playlistId: 'p1', trackId: track.id, position: 0, addedAt: 1 }).run();
    l.t.db.update(tracks).set({ rating: 5 }).where(eq(tracks.id, track.id)).run();

    const renamed = `${path.dirname(rel)}/renamed by hand.mp3`;
    fs.renameSync(path.join(l.root, rel), path.join(l.root, renamed));
    await until('the rename', () => trackAt(l.t.ctx, renamed)?.id === track.id && idle(l));
    fs.mkdirSync(path.join(l.root, 'Sorted', 'Peak Time'), { recursive: true });
    fs.renameSync(path.join(l.root, renamed), path.join(l.root, 'Sorted/Peak Time/renamed by hand.mp3'));
    await until('the move', () => trackAt(l.t.ctx, 'Sorted/Peak Time/renamed by hand.mp3')?.id === track.id && idle(l));

    expect(trackAt(l.t.ctx, 'Sorted/Peak Time/renamed by hand.mp3')).toMatchObject({ id: track.id, rating: 5, isMissing: false });
    expect(l.t.db.select().from(playlistTracks).all()).toMatchObject([{ trackId: track.id }]);
    expect(allTracks(l.t.ctx).filter((x) => x.isMissing)).toEqual([]);
    expect(l.t.events().filter((e) => e.type === 'track:moved' && (e.payload as { trackId: string }).trackId === track.id)).toHaveLength(2);
    expect(directory(l).lastChangeAt).toBeGreaterThan(0);
  });

  it('a changed file gets its tags read again and keeps its id; a deleted one becomes missing', async () => {
    const l = await watchedLibrary();
    const target = aFile();
    const row = trackAt(l.t.ctx, target.path)!;
    const { writeTags } = await import('@/server/testing/library/encode');
    await writeTags([{ path: path.join(l.root, target.path), tags: { title: 'Retitled While Watched' } }]);
    await until('the new title', () => trackAt(l.t.ctx, target.path)?.title === 'Retitled While Watched' && idle(l));
    expect(trackAt(l.t.ctx, target.path)).toMatchObject({ id: row.id, audioHash: row.audioHash });

    fs.rmSync(path.join(l.root, target.path));
    await until('the track to go missing', () => trackAt(l.t.ctx, target.path)?.isMissing === true);
    expect(trackAt(l.t.ctx, target.path)).toMatchObject({ id: row.id, missingReason: 'deleted' });
  });

  it('catches up with what changed before the watcher was ready (a drive just plugged in, a worker starting)', async () => {
    const l = await liveLibrary();
    fs.copyFileSync(path.join(l.root, aFile().path), path.join(l.root, 'while nobody watched.mp3'));
    await l.watch.start();
    await until('the file added before watching', () => trackAt(l.t.ctx, 'while nobody watched.mp3') !== undefined);
  });

  it('ignores files the folder does not take (covers, text, hidden files, links it does not follow)', async () => {
    const l = await watchedLibrary();
    fs.symlinkSync(path.join(l.root, aFile().path), path.join(l.root, 'linked.mp3'));
    fs.writeFileSync(path.join(l.root, 'cover.jpg'), 'not music');
    fs.writeFileSync(path.join(l.root, 'notes.txt'), 'set list');
    fs.writeFileSync(path.join(l.root, '.hidden.mp3'), 'hidden');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(watcherScans(l)).toEqual([]);
  });
});

describe('removable drives', () => {
  it('an unplugged folder goes offline with its tracks (none lost) and comes back with them', async () => {
    const l = await watchedLibrary();
    const before = allTracks(l.t.ctx);
    const away = `${l.root}.unplugged`;
    fs.renameSync(l.root, away);
    await until('offline', () => !directory(l).isAvailable);
    await until('the watcher to stop', () => directory(l).watchState === 'off');
    const offline = allTracks(l.t.ctx);
    expect(offline).toHaveLength(before.length);
    expect(offline.every((x) => x.isMissing && x.missingReason === 'offline')).toBe(true);
    expect(l.t.events().map((e) => e.type)).toContain('library:media:disconnected');

    fs.renameSync(away, l.root);
    await until('online again', () => directory(l).isAvailable && directory(l).watchState === 'watching' && idle(l));
    const back = allTracks(l.t.ctx);
    expect(back.map((x) => [x.id, x.relPath, x.isMissing]).sort()).toEqual(before.map((x) => [x.id, x.relPath, false]).sort());
    const types = l.t.events().map((e) => e.type);
    expect(types).toContain('library:media:connected');
    expect(types).toContain('track:restored');
    // and it is watched again
    fs.copyFileSync(path.join(l.root, aFile().path), path.join(l.root, 'after replug.mp3'));
    await until('a file added after the re-plug', () => trackAt(l.t.ctx, 'after replug.mp3') !== undefined);
  });

  it('a folder that is gone and back within a moment is watched afresh', async () => {
    const l = await watchedLibrary({ syncMs: 5_000 });
    fs.renameSync(l.root, `${l.root}.blip`);
    await new Promise((r) => setTimeout(r, 100));
    fs.renameSync(`${l.root}.blip`, l.root);
    await until('the watcher to start again', () => directory(l).watchState === 'watching' && idle(l));
    await new Promise((r) => setTimeout(r, 500));
    fs.copyFileSync(path.join(l.root, aFile().path), path.join(l.root, 'after the blip.mp3'));
    await until('a file added after the blip', () => trackAt(l.t.ctx, 'after the blip.mp3') !== undefined);
    expect(allTracks(l.t.ctx).filter((x) => x.isMissing)).toEqual([]);
  });

  it('a different drive mounted at the same path is not taken for the old one', async () => {
    const l = await watchedLibrary();
    l.t.volumes.mount(l.root, { fsUuid: 'someone-elses-stick', deviceId: '9999', mountPoint: l.root });
    await until('offline', () => !directory(l).isAvailable);
    expect(directory(l).availabilityError).toMatch(/different volume/);
    expect(allTracks(l.t.ctx).every((x) => x.isMissing && x.missingReason === 'offline')).toBe(true);
  });
});

describe('when the OS refuses to watch', () => {
  it('says so on the folder and falls back to periodic change scans', async () => {
    const exhausted: WatchFactory = (_target, h) => {
      setTimeout(() => h.error(Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' })), 10);
      return { close: async () => undefined };
    };
    const l = await liveLibrary({ factory: exhausted, pollMs: 300 });
    void l.watch.start();
    await until('the fallback', () => directory(l).watchState === 'polling');
    expect(directory(l).watchError).toMatch(/limit on watched folders.*max_user_watches/);
    expect(
      l.t
        .events()
        .filter((e) => e.type === 'library:watch:state')
        .map((e) => (e.payload as { state: string }).state),
    ).toContain('polling');
    await until('a periodic scan', () => watcherScans(l).length >= 1, 40_000);
  }, 60_000);
});

describe('commonFolder', () => {
  it.each([
    [['a/b', 'a/b'], 'a/b'],
    [['a/b/c', 'a/b/d'], 'a/b'],
    [['a', 'b'], ''],
    [['', 'a/b'], ''],
    [[], ''],
  ])('%j → %j', (folders, expected) => expect(commonFolder(folders)).toBe(expected));
});
