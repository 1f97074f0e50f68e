import { afterEach, describe, expect, it } from 'vitest';
import { audioAnalysis } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { insertAnalysedTrack, insertFolder } from '../testing/seed-tracks';
import { testCaller } from '../trpc/test-caller';

let t: TestContext;
afterEach(() => t?.cleanup());

const track = (title: string, bpm: number, key: string, energy: number, hash?: string) =>
  insertAnalysedTrack(t.db, title, bpm, key, energy, { audioHash: hash ?? null, durationMs: 300_000 });

/** A constant grid at `bpm` from `first` seconds to `end`, the way the analyzer stores it (Float32 LE seconds). */
function grid(hash: string, bpm: number, first: number, end: number, phraseBeat = 1) {
  const beats: number[] = [];
  for (let s = first; s < end; s += 60 / bpm) beats.push(s);
  t.db
    .insert(audioAnalysis)
    .values({
      audioHash: hash,
      bpm,
      beats: Buffer.from(new Float32Array(beats).buffer),
      firstBeatOffset: first,
      firstPhraseBeat: phraseBeat,
      audibleStart: first,
      audibleEnd: end,
      stagesDone: ['basic_features'],
      createdAt: 1,
      updatedAt: 1,
    })
    .run();
}

describe('crowd reactions', () => {
  it('are marked on session plays, shown with the entry, exported, and weigh into suggestions', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const now = track('Now', 124, '8A', 6);
    const plain = track('Plain', 124, '8A', 6);
    const filler = track('Filler', 124, '8A', 6);
    const { caller } = testCaller(t);
    const before = await caller.suggest.next({ trackId: now });
    expect(before.items.map((i) => i.track.id).indexOf(filler)).toBeGreaterThan(before.items.map((i) => i.track.id).indexOf(plain));

    const played = await caller.playlists.logPlay({ trackId: filler });
    const session = (await caller.playlists.sessions())[0]!;
    const entry = (await caller.playlists.entries({ id: session.id }))[0]!;
    expect(played).toBeTruthy();
    await caller.playlists.react({ entryId: entry.entryId, reaction: 'filler' });
    expect((await caller.playlists.entries({ id: session.id }))[0]!.reaction).toBe('filler');
    const exported = await caller.playlists.export({ id: session.id, format: 'json' });
    expect((JSON.parse(exported.content) as { entries: { reaction?: string }[] }).entries[0]!.reaction).toBe('filler');
    await caller.playlists.finalizeSession({ id: session.id });
    // two days later: the play is no longer recent, the reaction stays
    t.clock.set(t.clock.now() + 2 * 86_400_000);

    const after = await caller.suggest.next({ trackId: now });
    expect(after.items[0]!.track.id).toBe(filler);
    expect(after.items[0]!.chips).toContain('filled the floor once');
    await caller.playlists.react({ entryId: entry.entryId, reaction: null });
    expect((await caller.playlists.entries({ id: session.id }))[0]!.reaction).toBeNull();
  });

  it('only plays of a DJ session take a reaction', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const a = track('A', 124, '8A', 6);
    const { caller } = testCaller(t);
    const p = await caller.playlists.create({ name: 'Crate', type: 'static' });
    await caller.playlists.addTracks({ id: p.id, trackIds: [a] });
    const entry = (await caller.playlists.entries({ id: p.id }))[0]!;
    await expect(caller.playlists.react({ entryId: entry.entryId, reaction: 'good' })).rejects.toThrow(/not one/);
    await expect(caller.playlists.react({ entryId: 99_999, reaction: 'good' })).rejects.toThrow(/not found/i);
  });
});

describe('transition hints and the marks between playlist rows', () => {
  it('start the next track at its first phrase when the playing one reaches its last whole phrase', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const a = track('Outgoing', 120, '8A', 6, 'aaaa000000000001');
    const b = track('Incoming', 123, '9A', 7, 'bbbb000000000002');
    // A: a beat every 0.5 s from 0.2 s, sound until 300 s; B: sound (and its first phrase) from 8 s
    grid('aaaa000000000001', 120, 0.2, 300);
    grid('bbbb000000000002', 123, 8, 290);
    const { caller } = testCaller(t);
    const h = await caller.suggest.transition({ fromId: a, toId: b });
    // A's phrases start every 16 s from 0.2 s; the last whole one before 300 s starts at 272.2 s
    expect(h.mixOutAt).toBeCloseTo(272.2, 1);
    expect(h.mixInAt).toBeCloseTo(8, 1);
    // the overlap: 32 beats on each track at its own tempo
    expect(h.mixOutEnd).toBeCloseTo(272.2 + 16, 1);
    expect(h.mixInEnd).toBeCloseTo(8 + (32 * 60) / 123, 1);
    expect(h.overlapBeats).toBe(32);
    expect(h.sentence).toContain('Start “Incoming” at 0:08.0 (its first phrase) when “Outgoing” reaches 4:32.2');
    expect(h.sentence).toContain('pitch “Incoming” -2.4 %');
    expect(h.sentence).toContain('8A → 9A (one step round the wheel)');
    const none = await caller.suggest.transition({ fromId: b, toId: track('No grid', 124, '8A', 6) });
    expect(none.mixInAt).toBeNull();
    expect(none.sentence).toMatch(/No beat grid on “No grid” yet/);
  });

  it('marks each pair of consecutive rows good, fair or poor with the reasons; placeholders get none', async () => {
    t = createTestContext();
    insertFolder(t.db);
    const ids = [track('A', 124, '8A', 6), track('B', 124, '9A', 6), track('C', 100, '3B', 2)];
    const { caller } = testCaller(t);
    const p = await caller.playlists.create({ name: 'Set', type: 'static' });
    await caller.playlists.addTracks({ id: p.id, trackIds: ids });
    const entries = await caller.playlists.entries({ id: p.id });
    const pairs = await caller.suggest.pairs({ playlistId: p.id });
    expect(pairs.map((x) => [x.entryId, x.mark])).toEqual([
      [entries[1]!.entryId, 'good'],
      [entries[2]!.entryId, 'poor'],
    ]);
    expect(pairs[0]!.chips).toContain('8A → 9A');
    await caller.tracks.remove({ ids: [ids[1]!] });
    expect(await caller.suggest.pairs({ playlistId: p.id })).toEqual([]);
  });
});
