import fs from 'node:fs';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { dbFingerprint } from '../testing/db-fingerprint';
import { appRouter } from './router';
import { callPath, procedurePaths, testCaller } from './test-caller';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const uuid = '3f0e8d8a-1c1b-4b7e-9b7e-1f2e3d4c5b6a';
/** Invalid inputs for every procedure; each must be rejected with BAD_REQUEST and change nothing. */
const INVALID: Record<string, unknown[]> = {
  'analysis.queue': [{ status: 'busy' }, { limit: 0 }, { limit: 1000 }],
  'analysis.counts': [42],
  'analysis.progress': [42],
  'analysis.servers': [42],
  'analysis.request': [{}, { all: true, trackIds: [uuid] }, { trackIds: ['x'] }, { all: false }, { all: true, stages: ['everything'] }, { directoryId: uuid, force: 'yes' }],
  'analysis.retry': [{}, { ids: [] }, { ids: [0] }],
  'analysis.cancel': [{ ids: 'all' }, { ids: [-1] }],
  'analysis.control': [{}, { action: 'reboot' }],
  'analysis.forTrack': [{}, { trackId: 'x' }],
  'audioEngine.status': [42],
  'auth.sessions': [42],
  'auth.revokeSession': [{}, { id: 'x' }, { id: 'A'.repeat(64) }],
  'auth.signOutEverywhere': [42],
  'auth.createToken': [{}, { name: '' }, { name: 'x'.repeat(81) }, { name: 7 }],
  'auth.revokeToken': [{}, { id: 'x' }],
  'audioEngine.control': [{}, { action: 'explode' }],
  'hotCues.list': [{}, { trackId: 'x' }],
  'hotCues.set': [
    { trackId: uuid },
    { trackId: uuid, index: 8, positionSec: 1 },
    { trackId: uuid, index: 0, positionSec: -1 },
    { trackId: uuid, index: 0, color: 'red' },
    { trackId: 'x', index: 0 },
  ],
  'hotCues.remove': [{ trackId: uuid }, { trackId: uuid, index: -1 }],
  'playlists.list': [{ q: 42 }],
  'playlists.byId': [{}, { id: 'x' }],
  'playlists.entries': [{ id: 7 }],
  'playlists.create': [
    { name: '', type: 'static' },
    { name: 'x', type: 'temp' },
    { name: 'x', type: 'static', color: 'red' },
    { name: 'x', type: 'smart', smart: { rules: { field: 'bpm', op: 'contains', value: 1 } } },
  ],
  'playlists.update': [{ id: 'x' }, { id: uuid, name: '' }, { id: uuid, smart: { rules: { all: 'x' } } }],
  'playlists.remove': [{}, { id: 'x' }],
  'playlists.addTracks': [
    { id: uuid, trackIds: [] },
    { id: uuid, trackIds: ['x'] },
    { id: uuid, trackIds: [uuid], position: -1 },
  ],
  'playlists.removeEntries': [
    { id: uuid, entryIds: [] },
    { id: uuid, entryIds: [0] },
  ],
  'playlists.moveEntries': [
    { id: uuid, entryIds: [1] },
    { id: uuid, entryIds: [1], toIndex: -2 },
  ],
  'playlists.updateEntry': [{}, { entryId: 1, ratingInContext: 9 }, { entryId: 1, cueInSec: -1 }],
  'playlists.relinkEntry': [{ entryId: 1 }, { entryId: 1, trackId: 'x' }],
  'playlists.copyAsStatic': [{ id: uuid }, { id: uuid, name: '' }],
  'playlists.merge': [{ targetId: uuid }, { targetId: uuid, sourceId: 'x' }],
  'playlists.smartPreview': [{}, { rules: { field: 'title', op: 'is', value: "'; DROP TABLE tracks; --", extra: { deep: true } }, limitPreview: 0 }, { rules: { not: [] } }],
  'playlists.thinking': [42],
  'playlists.think': [{ trackIds: [uuid] }, { trackIds: ['x'], add: true }],
  'playlists.promoteThinking': [{}, { name: '' }],
  'playlists.logPlay': [{}, { trackId: 'x' }, { trackId: uuid, durationMs: -5 }],
  'playlists.finalizeSession': [{}, { id: 1 }],
  'playlists.sessions': [42],
  'playlists.react': [{}, { entryId: 1, reaction: 'meh' }, { entryId: 'one', reaction: 'good' }],
  'suggest.next': [{}, { trackId: '' }, { trackId: uuid, limit: 0 }, { trackId: uuid, direction: 'sideways' }, { trackId: uuid, bpmRangePercent: 90 }],
  'suggest.arrange': [{}, { playlistId: uuid }, { playlistId: uuid, startEntryId: 1, shape: 'zigzag' }],
  'suggest.applyOrder': [{}, { playlistId: uuid, entryIds: [] }, { playlistId: uuid, entryIds: ['a'] }],
  'suggest.saveOrderAs': [{}, { playlistId: uuid, entryIds: [1] }, { playlistId: uuid, entryIds: [1], name: '  ' }],
  'suggest.transition': [{}, { fromId: uuid }, { fromId: '', toId: uuid }],
  'suggest.pairs': [{}, { playlistId: '' }],
  'playlists.convertToStatic': [{}, { id: 'x' }],
  'playlists.splitSession': [{ id: uuid }, { id: uuid, entryId: -1 }],
  'playlists.export': [
    { id: uuid, format: 'pls' },
    { id: uuid, paths: 'relative', relativeTo: '../etc' },
  ],
  'playlists.import': [{ content: '#EXTM3U' }, { fileName: '', content: '' }, { fileName: 'a.m3u', content: '', baseDir: 'relative/dir' }],
  'directories.list': [42],
  'directories.byId': [{}, { id: 'not-a-uuid' }, { id: 7 }],
  'directories.create': [{}, { path: '' }, { path: 42 }, { path: '/x', maxDepth: -1 }, { path: '/x', excludePatterns: ['/abs'] }, { path: '/x', name: '' }],
  'directories.update': [{ id: uuid }, { id: 'x', name: 'a' }, { id: uuid, priority: 1000 }, { id: uuid, includePatterns: ['../up'] }],
  'directories.remove': [{ id: uuid }, { id: uuid, tracks: 'maybe' }, { tracks: 'keep' }],
  'directories.checkAvailability': [{ id: 'nope' }, 'x'],
  'directories.browseServer': [{ path: 42 }, { showHidden: 'yes' }],
  'events.latestId': [42],
  'events.onEvent': [{ lastEventId: 'abc' }, { types: [''] }],
  'jobs.list': [{ view: 'sometimes' }, { limit: 0 }, { limit: 10_000 }, { beforeId: -1 }],
  'jobs.byId': [{}, { id: 0 }, { id: 1.5 }],
  'jobs.counts': [42],
  'jobs.cancel': [{ id: -3 }, { id: 'one' }],
  'jobs.retry': [{}, { id: null }],
  'settings.list': [42],
  'settings.get': [{}, { key: '' }],
  'settings.update': [{}, { values: {} }, { values: { 'ui.keyNotation': 'roman' } }, { values: { 'library.maxConcurrentScans': '2' } }, { values: { 'no.such.key': 1 } }],
  'scans.start': [{}, { directoryId: 'x' }, { directoryId: uuid, strategy: 'quick' }, { directoryId: uuid, relPath: '../up' }, { directoryId: uuid, priority: 'urgent' }],
  'scans.status': [{}, { directoryId: 1 }],
  'scans.active': [42],
  'scans.history': [{ limit: 0 }, { directoryId: 'nope' }],
  'scans.cancel': [{}, { scanId: 'a' }, { scanId: 0 }],
  'duplicates.list': [{ status: 'weird' }, { limit: 1000 }],
  'duplicates.byId': [{}, { id: 'x' }],
  'directories.browse': [{}, { directoryId: 'x' }, { directoryId: uuid, path: '../outside' }, { directoryId: uuid, path: '/etc' }],
  'tracks.list': [
    { limit: 0 },
    { cursor: -5 },
    { filters: { broken: 'yes' } },
    { filters: { directoryId: 'x' } },
    { filters: { bpmMin: 130, bpmMax: 120 } },
    { filters: { keys: ['H#'] } },
    { filters: { yearMin: 2020, yearMax: 1990 } },
    { filters: { folder: 'a' } },
    { sort: { field: 'colour' } },
    { cursor: 'x', offset: 1 },
  ],
  'tracks.byId': [{}, { id: 'not-a-uuid' }],
  'missing.relocate': [{ trackIds: ['x'] }, { searchPaths: 'everywhere' }, { searchPaths: ['relative'] }, { searchPaths: ['/no/such/folder'] }],
  'missing.confirmRelocate': [{}, { trackId: uuid }, { trackId: 'x', path: '/a.mp3' }, { trackId: uuid, path: 'rel.mp3' }],
  'missing.cleanupPreview': [{ olderThanDays: -1 }, { keepPlaylistEntries: 'yes' }],
  'missing.cleanup': [{ olderThanDays: 1.5 }, { exportMetadata: 1 }],
  'missing.undoCleanup': [{}, { id: 0 }, { id: 'one' }],
  'missing.cleanups': [42],
  'tracks.search': [{}, { q: 5 }, { q: 'x', limit: 500 }],
  'tracks.facets': [{ filters: { ratingMin: 9 } }, { filters: 'all' }],
  'tracks.update': [
    { id: uuid },
    { id: uuid, rating: 9 },
    { id: uuid, year: 'soon' },
    { id: uuid, key: 'Z' },
    { id: uuid, bpm: 5000 },
    { id: uuid, isrc: 'nope' },
    { id: 'x', title: 'a' },
  ],
  'tracks.create': [{}, { path: '' }, { path: 'relative/file.mp3' }, { path: '/no/such/file.mp3' }],
  'tracks.remove': [{}, { ids: [] }, { ids: ['x'] }],
  'system.authStatus': [42],
  'system.status': [42],
  'system.info': [42, 'all'],
  'system.backupNow': [42, 'now'],
  'duplicates.preview': [{}, { groupId: 0 }, { groupId: 1, fileAction: 'shred' }, { groupId: 1, canonicalTrackId: 'x' }],
  'duplicates.resolve': [{ groupId: 'one' }, { groupId: 1, fileAction: 'burn' }],
  'duplicates.undo': [{}, { resolutionId: -1 }],
  'duplicates.resolutions': [{ limit: 0 }],
  'duplicates.previewAll': [{ fileAction: 'x' }],
  'duplicates.resolveAll': [{ fileAction: 'burn' }],
  'files.previewMove': [{}, { trackIds: [], folder: '/x' }, { trackIds: [uuid], folder: '' }, { trackIds: ['x'], folder: '/x' }, { trackIds: [uuid], folder: 'relative/dir' }],
  'files.move': [{ trackIds: [uuid] }, { trackIds: [uuid], folder: '/a/../../etc' }, { trackIds: [uuid], folder: '/bad\u0000name' }],
  'files.previewRename': [{}, { trackId: uuid, name: '' }, { trackId: 'x', name: 'a' }],
  'files.rename': [{ trackId: uuid }, { trackId: uuid, name: 'a'.repeat(300) }],
  'files.previewOrganise': [{ trackIds: [uuid] }, { trackIds: [uuid], template: '' }],
  'files.organise': [
    { trackIds: [], template: 'x' },
    { trackIds: [uuid], template: '{title}', folder: 'relative' },
  ],
  'files.previewDelete': [{}, { trackIds: [uuid], permanent: 'yes' }],
  'files.delete': [{ trackIds: 'all' }],
  'files.operations': [{ limit: 0 }, { batchId: 5 }],
  'files.trash.list': [42],
  'files.trash.previewRestore': [{}, { itemIds: [] }],
  'files.trash.restore': [{ itemIds: [0] }],
  'files.trash.previewEmpty': [{ olderThanDays: -1 }],
  'files.trash.empty': [{}, { confirm: false }],
};

describe('the API router', () => {
  it('has invalid-input cases for every procedure', () => {
    expect(Object.keys(INVALID).sort()).toEqual(procedurePaths().sort());
  });

  it('rejects invalid input to every procedure with a clear error and changes nothing', async () => {
    t = createTestContext();
    const { caller, hub } = testCaller(t);
    const before = dbFingerprint(t.db);
    for (const [p, inputs] of Object.entries(INVALID)) {
      for (const input of inputs) {
        const err = await callPath(caller, p, input).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err, `${p}(${JSON.stringify(input)}) should fail`).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code, `${p}(${JSON.stringify(input)})`).toBe('BAD_REQUEST');
        expect((err as TRPCError).message.length).toBeGreaterThan(3);
      }
    }
    expect(dbFingerprint(t.db)).toBe(before);
    hub.close();
  });

  it('gives an unauthenticated caller nothing when a password is configured', async () => {
    t = createTestContext({ env: { MISMO_PASSWORD: 'correct horse' } });
    const { caller, hub } = testCaller(t, { ok: false, via: 'none' });
    const before = dbFingerprint(t.db);
    for (const p of procedurePaths()) {
      if (p === 'system.authStatus') continue;
      const err = await callPath(caller, p, {}).then(
        () => null,
        (e: unknown) => e,
      );
      expect((err as TRPCError | null)?.code, p).toBe('UNAUTHORIZED');
    }
    expect(await caller.system.authStatus()).toEqual({ required: true, signedIn: false, via: 'none', passwordLogin: true });
    expect(dbFingerprint(t.db)).toBe(before);
    hub.close();
  });

  it('reading never writes: every query on a fresh library leaves the database as it was', async () => {
    t = createTestContext();
    const { caller, hub } = testCaller(t);
    const before = dbFingerprint(t.db);
    const queries = procedurePaths().filter((p) => (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[p]!._def.type === 'query');
    expect(queries.length).toBeGreaterThan(40);
    for (const p of queries) await callPath(caller, p, {}).catch(() => undefined);
    expect(dbFingerprint(t.db)).toBe(before);
    // the thinking playlist is there from the start (a migration makes it)
    expect((await caller.playlists.list()).map((p) => p.name)).toContain('Thinking');
    hub.close();
  });

  it('maps domain errors to tRPC codes', async () => {
    t = createTestContext();
    const { caller, hub } = testCaller(t);
    const dir = path.join(t.tmp, 'music');
    fs.mkdirSync(dir);
    await caller.directories.create({ path: dir });
    await expect(caller.directories.create({ path: dir })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(caller.directories.byId({ id: uuid })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.jobs.retry({ id: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const missing = caller.directories.create({ path: path.join(t.tmp, 'missing') });
    await expect(missing).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(missing).rejects.toThrow(/does not exist/);
    hub.close();
  });

  it('lists, creates and checks folders end to end through the API', async () => {
    t = createTestContext();
    const { caller, hub } = testCaller(t);
    const dir = path.join(t.tmp, 'Crate');
    fs.mkdirSync(dir);
    const created = await caller.directories.create({ path: dir });
    expect(await caller.directories.list()).toMatchObject([{ id: created.id, name: 'Crate', counts: { tracks: 0 } }]);
    const { jobId } = await caller.directories.checkAvailability({ id: created.id });
    expect((await caller.jobs.byId({ id: jobId })).kind).toBe('library.checkAvailability');
    const listing = await caller.directories.browseServer({ path: t.tmp });
    expect(listing.folders.map((f) => f.name)).toContain('Crate');
    hub.close();
  });
});
