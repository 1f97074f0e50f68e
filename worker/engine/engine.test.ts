import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { audioAnalysis, hotCues, playlistTracks, playlists, tracks } from '@/drizzle/schema';
import { setUserCue } from '@/server/hotcues/hot-cues';
import { updateTrack } from '@/server/tracks/update-track';
import { silentLogger } from '@/server/log';
import { startFakeAnalysisServer } from '@/server/testing/fake-analysis-server';
import { startFakeEngine, type FakeEngine } from '@/server/testing/fake-audio-engine';
import { freePort } from '@/server/testing/free-port';
import { startWorker, type WorkerHandle } from '../app';
import { addTracks, analysisFixture, jobsByStatus, until } from '../analysis/testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const FAST = { AUDIO_SERVER_RECONNECT_DELAY: '50', AUDIO_SERVER_MAX_RECONNECT_DELAY: '400' };

async function engine(o: Parameters<typeof startFakeEngine>[0] = {}) {
  const e = await startFakeEngine(o);
  cleanups.push(() => e.close());
  return e;
}

/** A worker with `n` analysed tracks (by the fake analysis server) and a link to `engineUrl`. */
async function analysedLibrary(n: number, engineUrl: string, env: Record<string, string> = {}) {
  const analysis = await startFakeAnalysisServer({ behaviour: { delayMs: 1 } });
  cleanups.push(() => analysis.close());
  const fx = analysisFixture(n, { PYTHON_SERVER_URL: analysis.url, AUDIO_SERVER_WS_URL: engineUrl, ...FAST, ...env });
  cleanups.push(fx.cleanup);
  const w = await startWorker(fx.env, { log: silentLogger });
  cleanups.push(() => w.stop());
  await until('analysed', () => jobsByStatus(w.ctx.db, 'completed').length === n, 30_000);
  return { fx, w, analysis };
}

const linked = (w: WorkerHandle) => until('the link', () => w.engine.link?.connected && w.engine.registered);

/** Frames the fake engine got from us after index `from` (identification is not recorded). */
const after = (e: FakeEngine, from: number) => e.received.slice(from).map((r) => r.json);
const quiet = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('the audio engine link over a real WebSocket', () => {
  it('answers getTrackInfo exactly as the protocol says, with every error string, and never answers a reply', async () => {
    const e = await engine();
    const { fx, w } = await analysedLibrary(3, e.url);
    await linked(w);
    const db = w.ctx.db;
    const [id0, id1, id2] = fx.ids;
    const a = db.select().from(audioAnalysis).where(eq(audioAnalysis.audioHash, fx.hashes[0]!)).get()!;
    const t = db.select().from(tracks).where(eq(tracks.id, id0!)).get()!;
    // cues from several sources: the DJ's own wins at its index, imports fill the rest
    const cue = (index: number, positionSec: number, source: string, extra: Partial<typeof hotCues.$inferInsert> = {}) =>
      db
        .insert(hotCues)
        .values({ id: crypto.randomUUID(), trackId: id0!, cueIndex: index, positionSec, source, createdAt: 1, updatedAt: 1, ...extra })
        .run();
    cue(0, 10, 'serato');
    cue(0, 12.5, 'user');
    cue(1, 64, 'rekordbox', { isLoop: true, loopEndSec: 72 });
    cue(2, 80, 'virtual dj', { loopEndSec: 0 });

    e.getTrackInfo(id0, { requestId: 'r-17' });
    const info = await e.waitFor((m) => m.requestId === 'r-17');
    expect(Object.keys(info)).toEqual(['success', 'requestId', 'trackId', 'filePath', 'bpm', 'key', 'mode', 'firstBeatOffset', 'firstPhraseBeatNo', 'hotCues']);
    expect(info).toEqual({
      success: true,
      requestId: 'r-17',
      trackId: id0,
      filePath: path.join(fx.music, t.relPath),
      bpm: t.bpm,
      key: String(t.keyPitch),
      mode: String(t.keyMode),
      firstBeatOffset: a.firstBeatOffset,
      firstPhraseBeatNo: a.firstPhraseBeat,
      hotCues: [
        { index: 0, position: 12.5, isLoop: false },
        { index: 1, position: 64, isLoop: true, loopEnd: 72 },
        { index: 2, position: 80, isLoop: false },
      ],
    });
    expect(typeof info.key).toBe('string');

    // without a requestId there is none in the reply
    let from = e.received.length;
    e.getTrackInfo(id1, { requestId: null });
    expect(await e.waitFor((m) => m.trackId === id1, 5_000, from)).not.toHaveProperty('requestId');

    // every error, each echoing the requestId
    db.update(tracks).set({ directoryId: null }).where(eq(tracks.id, id1!)).run();
    fs.rmSync(path.join(fx.music, db.select().from(tracks).where(eq(tracks.id, id2!)).get()!.relPath));
    const cases: [unknown, string][] = [
      [undefined, 'Missing trackId parameter'],
      ['', 'Missing trackId parameter'],
      [42, 'Missing trackId parameter'],
      ['../../etc/passwd', 'Track not found'],
      [crypto.randomUUID(), 'Track not found'],
      [id1, 'Library directory not found'],
      [id2, 'Track file missing'],
    ];
    for (const [i, [trackId, error]] of cases.entries()) {
      from = e.received.length;
      e.getTrackInfo(trackId, { requestId: `e-${i}` });
      const reply = await e.waitFor((m) => m.requestId === `e-${i}`, 5_000, from);
      expect(reply).toEqual({ success: false, requestId: `e-${i}`, trackId: typeof trackId === 'string' ? trackId : '', error });
    }
    // a track not hashed yet cannot be queued by its audio; a fault inside is an internal error
    const [unhashed] = addTracks(db, fx.dirId, fx.music, ['0000000000000000']);
    db.update(tracks).set({ audioHash: null }).where(eq(tracks.id, unhashed!)).run();
    from = e.received.length;
    e.getTrackInfo(unhashed, { requestId: 'nh' });
    expect(await e.waitFor((m) => m.requestId === 'nh', 5_000, from)).toEqual({ success: false, requestId: 'nh', trackId: unhashed, error: 'Failed to start analysis' });
    db.$client.exec('ALTER TABLE hot_cues RENAME TO hot_cues_away');
    e.getTrackInfo(id0, { requestId: 'boom' });
    expect(await e.waitFor((m) => m.requestId === 'boom', 5_000, from)).toEqual({ success: false, requestId: 'boom', trackId: id0, error: 'Internal server error' });
    db.$client.exec('ALTER TABLE hot_cues_away RENAME TO hot_cues');
    from = e.received.length;
    e.send({ command: 'mixer.addDeck', requestId: 'u1' });
    expect(await e.waitFor((m) => m.requestId === 'u1', 5_000, from)).toEqual({ success: false, requestId: 'u1', trackId: '', error: 'Unknown command: mixer.addDeck' });
    e.send({ hello: 'there' });
    expect(await e.waitFor((m) => m.error === 'Invalid message format: missing command field', 5_000, from)).toMatchObject({ success: false });
    e.send({ command: 'getTrackInfo', trackId: id0, stems: 'yes', requestId: 'p1' });
    expect(await e.waitFor((m) => m.requestId === 'p1', 5_000, from)).toMatchObject({ success: false, error: 'Failed to parse message' });

    // replies, errors, garbage and ignored events get no answer (no echo loops)
    from = e.received.length;
    e.send({ success: false, trackId: '', error: 'Unknown command: getTrackInfo' });
    e.send({ error: 'Rate limit exceeded', message: 'slow down' });
    e.send({ success: true, type: 'stemsReady', trackId: id0 });
    e.send('not json at all {');
    e.send('[1,2,3]');
    e.send({ event: 'deckStateUpdate', deck: 'A', position: 1.5 });
    e.send({ event: 'cuePointSet', deck: 'A', index: 99, position: -1 });
    await quiet(400);
    expect(after(e, from)).toEqual([]);
    expect(w.engine.link?.connected).toBe(true);
    // the latency of every getTrackInfo is measured for the metrics
    expect(w.engine.latency.snapshot().count).toBeGreaterThanOrEqual(9);
  }, 60_000);

  it('answers an unanalysed track later with full info (and cues), at top priority, even across a reconnect', async () => {
    const e = await engine();
    const { fx, w, analysis } = await analysedLibrary(2, e.url);
    await linked(w);
    analysis.behaviour.hold = true;
    const [fresh] = addTracks(w.ctx.db, fx.dirId, fx.music, ['f000000000000001']);
    setUserCue(w.ctx.db, { trackId: fresh!, index: 3, positionSec: 42, name: 'Drop', color: '#00ff00' }, Date.now());
    e.getTrackInfo(fresh, { deck: 'C', requestId: 'late-1' });
    expect(await e.waitFor((m) => m.requestId === 'late-1')).toEqual({ success: false, requestId: 'late-1', trackId: fresh, error: 'Analysis in progress' });
    await until('submitted', () => analysis.submitted.find((s) => s.hash === 'f000000000000001'));
    const job = jobsByStatus(w.ctx.db, 'dispatched').find((j) => j.audioHash === 'f000000000000001')!;
    expect(job.priority).toBe(30);
    expect(job.waiters).toEqual([expect.objectContaining({ type: 'engine_track_info', trackId: fresh, requestId: 'late-1', deck: 'C' })]);

    // the engine goes away while the analysis finishes: the answer waits for it
    e.drop();
    await until('down', () => !w.engine.link?.connected);
    const port = e.port;
    await e.close();
    analysis.release();
    await until('analysed', () => w.ctx.db.select().from(tracks).where(eq(tracks.id, fresh!)).get()!.isAnalyzed, 20_000);
    const back = await engine({ port });
    const deferred = await back.waitFor((m) => m.requestId === 'late-1', 10_000, 0);
    expect(deferred).toMatchObject({ success: true, trackId: fresh, hotCues: [{ index: 3, position: 42, isLoop: false }] });
    expect(deferred.bpm).toBeGreaterThan(100);
  }, 60_000);

  it('sends stems when the analysis server delivers them, and straight from the cache the next time', async () => {
    const e = await engine();
    const { fx, w } = await analysedLibrary(1, e.url);
    await linked(w);
    const id = fx.ids[0]!;
    e.getTrackInfo(id, { deck: 'A', stems: true, requestId: 's-1' });
    const info = await e.waitFor((m) => m.requestId === 's-1' && m.success === true && !m.type);
    const ready = await e.waitFor((m) => m.type === 'stemsReady' && m.requestId === 's-1', 20_000);
    expect(e.received.findIndex((r) => r.json === ready)).toBeGreaterThan(e.received.findIndex((r) => r.json === info)); // info first
    expect(Object.keys(ready.stems as object).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
    for (const p of Object.values(ready.stems as Record<string, string>)) {
      expect(path.isAbsolute(p)).toBe(true);
      expect(fs.existsSync(p)).toBe(true);
    }
    const from = e.received.length;
    e.getTrackInfo(id, { stems: true, requestId: 's-2' });
    await e.waitFor((m) => m.type === 'stemsReady' && m.requestId === 's-2', 2_000, from);
  }, 60_000);

  it('sends a BPM, key or grid correction made in the UI to the deck that has the track, and the grid move as updateFirstBeatOffset', async () => {
    const e = await engine();
    const { fx, w } = await analysedLibrary(2, e.url);
    await linked(w);
    const [a, b] = fx.ids as [string, string];
    e.event('trackLoaded', { deck: 'A', trackId: a, success: true });
    await until('on deck', () => w.ctx.db.select().from(tracks).where(eq(tracks.id, a)).get()!.playCount === 1);
    await quiet(50);
    let from = e.received.length;
    updateTrack(w.ctx, { id: b, bpm: 100 }); // not on a deck: nothing goes out
    updateTrack(w.ctx, { id: a, bpm: 128.5, beatOffset: 0.25 });
    const info = await e.waitFor((m) => m.trackId === a && m.success === true && m.bpm === 128.5, 5_000, from);
    expect(info).toMatchObject({ firstBeatOffset: 0.25, filePath: expect.any(String) as string });
    expect(await e.waitFor((m) => m.command === 'updateFirstBeatOffset', 5_000, from)).toEqual({ command: 'updateFirstBeatOffset', trackId: a, firstBeatOffset: 0.25 });
    expect(after(e, from).some((m) => m?.trackId === b)).toBe(false);
    // the track info asked for later carries the correction too
    from = e.received.length;
    e.getTrackInfo(a, { requestId: 'after-fix' });
    expect(await e.waitFor((m) => m.requestId === 'after-fix', 5_000, from)).toMatchObject({ bpm: 128.5, firstBeatOffset: 0.25 });
  });

  it('follows decks: plays counted and logged to the session, cues kept in step both ways', async () => {
    const e = await engine();
    const { fx, w } = await analysedLibrary(2, e.url);
    await linked(w);
    const db = w.ctx.db;
    const [a, b] = fx.ids;
    setUserCue(db, { trackId: a!, index: 0, positionSec: 5, name: 'Intro', color: '#ff8800' }, Date.now());
    await quiet(20); // an edit made before the track was loaded is not pushed

    e.event('trackLoadRequested', { deck: 'D', trackId: a });
    e.event('trackLoaded', { deck: 'D', trackId: a, success: true, filePath: '/x', bpm: 128 });
    await until('a play', () => db.select().from(tracks).where(eq(tracks.id, a!)).get()!.playCount === 1);
    const session = await until('a session', () => db.select().from(playlists).where(eq(playlists.type, 'session')).get());
    expect(session.sessionEndedAt).toBeNull();
    expect(db.select().from(tracks).where(eq(tracks.id, a!)).get()!.lastPlayedAt).toBeGreaterThan(0);

    // a cue set on the deck keeps the cue's name and colour; a removal removes only the DJ's cue
    e.event('cuePointSet', { deck: 'D', index: 0, position: 7.25, success: true });
    await until('cue moved', () => db.select().from(hotCues).where(eq(hotCues.trackId, a!)).get()?.positionSec === 7.25);
    expect(db.select().from(hotCues).where(eq(hotCues.trackId, a!)).all()).toEqual([expect.objectContaining({ cueIndex: 0, name: 'Intro', color: '#ff8800', source: 'user' })]);
    e.event('cuePointSet', { deck: 'D', index: 4, position: 90, success: true });
    e.event('cuePointRemoved', { deck: 'D', index: 0, success: true });
    await until(
      'cue removed',
      () =>
        db
          .select()
          .from(hotCues)
          .where(eq(hotCues.trackId, a!))
          .all()
          .map((c) => c.cueIndex)
          .join() === '4',
    );
    expect(db.select().from(hotCues).where(eq(hotCues.trackId, a!)).get()).toMatchObject({ cueIndex: 4, positionSec: 90, source: 'user' });

    // an edit in the UI for the loaded track goes to the engine (the engine's own edits do not echo back)
    let from = e.received.length;
    await quiet(400);
    expect(after(e, from)).toEqual([]);
    setUserCue(db, { trackId: a!, index: 4, name: 'Break' }, Date.now());
    setUserCue(db, { trackId: a!, index: 6, positionSec: 120, isLoop: true, loopEndSec: 128 }, Date.now());
    const pushed = await e.waitFor((m) => m.trackId === a && Array.isArray(m.hotCues) && (m.hotCues as unknown[]).length === 2, 5_000, from);
    expect(pushed.hotCues).toEqual([
      { index: 4, position: 90, isLoop: false },
      { index: 6, position: 120, isLoop: true, loopEnd: 128 },
    ]);

    // the next track on the deck: the first play's duration is known, the second is logged after it
    await quiet(50);
    e.event('trackLoaded', { deck: 'D', trackId: b, success: true });
    await until('second play', () => db.select().from(playlistTracks).all().length === 2);
    const entries = db.select().from(playlistTracks).orderBy(asc(playlistTracks.position)).all();
    expect(entries.map((x) => [x.trackId, x.position])).toEqual([
      [a, 0],
      [b, 1],
    ]);
    expect(entries[0]!.playDurationMs).toBeGreaterThan(0);
    expect(entries[1]!.playDurationMs).toBeNull();
    expect(w.engine.decks.get('D')).toMatchObject({ trackId: b, loaded: true });

    // deck.setCue from the engine is a cue set on that deck; unload and failed loads empty a deck
    e.send({ command: 'deck.setCue', deck: 'D', index: 2, position: 33 });
    await until('deck.setCue', () => db.select().from(hotCues).where(eq(hotCues.trackId, b!)).get()?.positionSec === 33);
    e.event('trackLoaded', { deck: 'E', trackId: a, success: true });
    await until('deck E', () => w.engine.decks.get('E')?.loaded);
    e.event('trackUnloaded', { deck: 'E' });
    await until('deck E empty', () => !w.engine.decks.has('E'));
    e.event('trackLoadRequested', { deck: 'F', trackId: a });
    await until('deck F', () => w.engine.decks.get('F'));
    e.event('deckLoadFailed', { deck: 'F', trackId: a, error: 'unsupported' });
    await until('deck F empty', () => !w.engine.decks.has('F'));

    // a failed load empties the deck; a UI edit for a track no longer loaded is not pushed
    e.event('trackLoaded', { deck: 'D', trackId: b, success: false });
    await until('deck empty', () => !w.engine.decks.has('D'));
    from = e.received.length;
    setUserCue(db, { trackId: a!, index: 5, positionSec: 1 }, Date.now());
    await quiet(500);
    expect(after(e, from)).toEqual([]);
  }, 60_000);
});

describe('keeping the link up', () => {
  it('connects to an engine started after the worker, and again after it is killed and restarted', async () => {
    const port = await freePort();
    const fx = analysisFixture(0, { AUDIO_SERVER_WS_URL: `ws://127.0.0.1:${port}`, AUDIO_SERVER_AUTH_TOKEN: 's3cret', ...FAST });
    cleanups.push(fx.cleanup);
    const w = await startWorker(fx.env, { log: silentLogger });
    cleanups.push(() => w.stop());
    await until('retrying', () => w.engine.link?.current === 'disconnected');
    await quiet(600);
    const e = await engine({ port, token: 's3cret', version: '1.4.0' });
    await linked(w);
    expect(e.stats.identified).toBe(1);
    await until('version reported', () => w.engine.version === '1.4.0');
    await e.close();
    await until('down', () => !w.engine.link?.connected);
    const again = await engine({ port, token: 's3cret' });
    await linked(w);
    expect(again.stats.identified).toBe(1);
  }, 30_000);

  it('pings often enough for the engine not to drop it, and drops a link whose pongs stop', async () => {
    const alive = await engine({ idleTimeoutMs: 600 });
    const fx = analysisFixture(0, { AUDIO_SERVER_WS_URL: alive.url, AUDIO_SERVER_PING_INTERVAL: '200', ...FAST });
    cleanups.push(fx.cleanup);
    const w = await startWorker(fx.env, { log: silentLogger });
    cleanups.push(() => w.stop());
    await linked(w);
    await quiet(1_500);
    expect(alive.stats.pings).toBeGreaterThan(4);
    expect(alive.stats.idleDrops).toBe(0);
    expect(alive.stats.connections).toBe(1);

    const hung = await engine({ answerPings: false });
    const fx2 = analysisFixture(0, { AUDIO_SERVER_WS_URL: hung.url, AUDIO_SERVER_PING_INTERVAL: '150', ...FAST });
    cleanups.push(fx2.cleanup);
    const w2 = await startWorker(fx2.env, { log: silentLogger });
    cleanups.push(() => w2.stop());
    await until('reconnected after a missing pong', () => hung.stats.connections >= 2, 5_000);
  }, 30_000);
});
