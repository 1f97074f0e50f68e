import { afterEach, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { insertAnalysedTrack, insertFolder } from '../testing/seed-tracks';
import { testCaller } from '../trpc/test-caller';

let t: TestContext;
afterEach(() => t?.cleanup());

const track = (title: string, bpm: number, key: string, energy: number, fields: Parameters<typeof insertAnalysedTrack>[5] = {}) =>
  insertAnalysedTrack(t.db, title, bpm, key, energy, fields);

describe('suggest.next', () => {
  it('ranks what fits after a track, with the reasons, and leaves out what is far off, gone or played this session', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const playing = track('Now', 124, '8A', 6);
    const perfect = track('Perfect', 124, '9A', 7);
    const relative = track('Relative', 125, '8B', 6);
    const clash = track('Clash', 124, '2A', 6);
    const half = track('Half', 62, '8A', 6);
    track('Far', 150, '8A', 6);
    const gone = track('Gone', 124, '8A', 6, { isMissing: true, missingReason: 'deleted', missingSince: 1 });
    const played = track('Played tonight', 124, '8A', 6);
    const { caller } = testCaller(t);
    const session = await caller.playlists.logPlay({ trackId: played });
    expect(session).toBeTruthy();

    const r = await caller.suggest.next({ trackId: playing, direction: 'up' });
    const ids = r.items.map((i) => i.track.id);
    expect(ids[0]).toBe(perfect);
    expect(ids).toEqual(expect.arrayContaining([relative, clash, half]));
    expect(ids.indexOf(relative)).toBeLessThan(ids.indexOf(clash));
    expect(ids).not.toContain(gone);
    expect(ids).not.toContain(played);
    expect(ids.some((id) => id === playing)).toBe(false);
    expect(r.items[0]!.chips).toEqual(expect.arrayContaining(['same tempo', '8A → 9A', 'energy 6 → 7', 'same genre']));
    expect(r.items.find((i) => i.track.id === half)!.chips).toContain('half time');
    // nothing 20 % away in tempo is even looked at
    expect(r.items.map((i) => i.track.title)).not.toContain('Far');

    const strict = await caller.suggest.next({ trackId: playing, keys: 'compatible', halfDouble: false });
    expect(strict.items.map((i) => i.track.id)).not.toContain(clash);
    expect(strict.items.map((i) => i.track.id)).not.toContain(half);
  });

  it('weights come from the settings: with the key weight at 0 a clash can win on energy', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const playing = track('Now', 124, '8A', 6);
    track('Same key, flat', 124, '8A', 3);
    const clash = track('Clash, up one', 124, '2A', 7);
    const { caller } = testCaller(t);
    expect((await caller.suggest.next({ trackId: playing, direction: 'up' })).items[0]!.track.id).not.toBe(clash);
    await caller.settings.update({ values: { 'suggest.keyWeight': 0 } });
    expect((await caller.suggest.next({ trackId: playing, direction: 'up' })).items[0]!.track.id).toBe(clash);
  });

  it('an unknown track is a clear error', async () => {
    t = createTestContext();
    const { caller } = testCaller(t);
    await expect(caller.suggest.next({ trackId: 'nope' })).rejects.toThrow(/not found/i);
  });
});

describe('suggest.arrange and applyOrder', () => {
  it('previews a playlist as a set from a chosen first track, applies it, and puts the old order back', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const ladder = ['8A', '9A', '10A', '11A', '12A', '1A'].map((k, i) => track(`Step ${i}`, 120 + i, k, 4 + i));
    const { caller } = testCaller(t);
    const p = await caller.playlists.create({ name: 'Crate', type: 'static' });
    await caller.playlists.addTracks({ id: p.id, trackIds: [ladder[3]!, ladder[0]!, ladder[5]!, ladder[1]!, ladder[4]!, ladder[2]!] });
    const before = await caller.playlists.entries({ id: p.id });
    const start = before.find((e) => e.track?.id === ladder[0])!.entryId;

    const preview = await caller.suggest.arrange({ playlistId: p.id, startEntryId: start, shape: 'warm-up' });
    const byEntry = new Map(before.map((e) => [e.entryId, e.track!.id]));
    expect(preview.entryIds.map((id) => byEntry.get(id))).toEqual(ladder);
    expect(preview.pairs).toHaveLength(5);
    expect(preview.pairs[0]!.chips).toContain('8A → 9A');
    expect(preview.cost).toBeLessThan(preview.currentCost);

    const applied = await caller.suggest.applyOrder({ playlistId: p.id, entryIds: preview.entryIds });
    expect((await caller.playlists.entries({ id: p.id })).map((e) => e.track?.id)).toEqual(ladder);
    await caller.suggest.applyOrder({ playlistId: p.id, entryIds: applied.previous });
    expect((await caller.playlists.entries({ id: p.id })).map((e) => e.entryId)).toEqual(before.map((e) => e.entryId));
  });

  it('refuses an order that no longer matches the playlist, changing nothing', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const a = track('A', 120, '8A', 5);
    const b = track('B', 121, '9A', 5);
    const { caller } = testCaller(t);
    const p = await caller.playlists.create({ name: 'Two', type: 'static' });
    await caller.playlists.addTracks({ id: p.id, trackIds: [a, b] });
    const entries = (await caller.playlists.entries({ id: p.id })).map((e) => e.entryId);
    await expect(caller.suggest.applyOrder({ playlistId: p.id, entryIds: [entries[1]!] })).rejects.toThrow(/changed since/);
    await expect(caller.suggest.applyOrder({ playlistId: p.id, entryIds: [entries[1]!, entries[1]!] })).rejects.toThrow(/changed since/);
    expect((await caller.playlists.entries({ id: p.id })).map((e) => e.entryId)).toEqual(entries);
    await expect(caller.suggest.arrange({ playlistId: p.id, startEntryId: 999 })).rejects.toThrow(/not a track of this playlist/);
  });

  it('a smart playlist (its order is its rules) is arranged into a new static playlist in that order', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const ladder = ['8A', '9A', '10A', '11A'].map((k, i) => track(`Rung ${i}`, 120 + i, k, 4 + i));
    const { caller } = testCaller(t);
    const smart = await caller.playlists.create({
      name: 'Rungs',
      type: 'smart',
      smart: { rules: { field: 'title', op: 'startsWith', value: 'Rung' }, sort: [{ field: 'bpm', dir: 'desc' }] },
    });
    const entries = await caller.playlists.entries({ id: smart.id });
    const first = entries.find((e) => e.track?.id === ladder[0])!.entryId;
    const preview = await caller.suggest.arrange({ playlistId: smart.id, startEntryId: first });
    await expect(caller.suggest.applyOrder({ playlistId: smart.id, entryIds: preview.entryIds })).rejects.toThrow(/smart playlist/);
    const made = await caller.suggest.saveOrderAs({ playlistId: smart.id, entryIds: preview.entryIds, name: 'Rungs (set)' });
    expect((await caller.playlists.entries({ id: made.id })).map((e) => e.track?.id)).toEqual(ladder);
    expect((await caller.playlists.entries({ id: smart.id })).map((e) => e.entryId)).toEqual(entries.map((e) => e.entryId));
  });
});
