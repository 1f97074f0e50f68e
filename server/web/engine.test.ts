import crypto from 'node:crypto';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { analysisJobs, tracks } from '@/drizzle/schema';
import { applyStage } from '../analysis/results';
import { dbFingerprint } from '../testing/db-fingerprint';
import { fixtureSuite } from '../testing/fixture-suite';
import { engineTrackInfoResponse } from './engine';

const suite = fixtureSuite();

describe('/api/audio-server/tracks/:id (REST fallback)', () => {
  it('answers what getTrackInfo answers: GET only reads, POST queues a top-priority job (202), then the full info', async () => {
    const { t, root } = await suite.scanned();
    const rt = { app: t.ctx, signingKey: Buffer.alloc(32, 7) };
    const get = async (id: string, method = 'GET') => {
      const res = engineTrackInfoResponse(rt, new Request(`http://127.0.0.1/api/audio-server/tracks/${id}?requestId=q1`, { method }), id);
      return { status: res.status, body: (await res.json()) as Record<string, unknown>, retry: res.headers.get('retry-after') };
    };
    const track = t.db.select().from(tracks).where(eq(tracks.isBroken, false)).get()!;
    t.db.delete(analysisJobs).where(eq(analysisJobs.audioHash, track.audioHash!)).run();
    const before = dbFingerprint(t.db);
    expect(await get(track.id)).toMatchObject({ status: 409, body: { success: false, trackId: track.id, error: 'Not analysed yet' } });
    expect(dbFingerprint(t.db)).toEqual(before);
    expect(await get(track.id, 'POST')).toEqual({ status: 202, retry: '5', body: { success: false, trackId: track.id, error: 'Analysis in progress' } });
    expect(await get(track.id)).toMatchObject({ status: 202, body: { error: 'Analysis in progress' } });
    expect(t.db.select().from(analysisJobs).where(eq(analysisJobs.audioHash, track.audioHash!)).get()).toMatchObject({ priority: 30, status: 'queued' });

    applyStage(t.db, track.audioHash!, 'basic_features', { tempo: 126, key: 9, mode: 0, firstBeatOffset: 0.25, firstPhraseBeatNo: 1 }, Date.now());
    const ok = await get(track.id);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({
      success: true,
      requestId: 'q1',
      trackId: track.id,
      filePath: path.join(root, track.relPath),
      bpm: 126,
      key: '9',
      mode: '0',
      firstBeatOffset: 0.25,
      firstPhraseBeatNo: 1,
      hotCues: [],
    });
    expect((await get('nope')).status).toBe(404);
    expect((await get(crypto.randomUUID())).body).toMatchObject({ success: false, error: 'Track not found' });
  });
});
