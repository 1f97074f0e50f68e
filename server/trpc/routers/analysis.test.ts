import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobs, jobs } from '@/drizzle/schema';
import { StemCache } from '@/worker/analysis/stems';
import { ANALYSIS_PRIORITY } from '../../analysis/schemas';
import { writeHeartbeat } from '../../system/worker-status';
import { createTestContext, type TestContext } from '../../testing/create-test-context';
import { insertFolder, insertTrack } from '../../testing/seed-tracks';
import { testCaller } from '../test-caller';

let t: TestContext;
afterEach(() => t.cleanup());

function withTracks(n: number) {
  t = createTestContext();
  insertFolder(t.db, 'd1', t.tmp);
  return Array.from({ length: n }, (_, i) => insertTrack(t.db, { audioHash: `${i}`.padStart(16, 'a') }));
}

describe('tRPC analysis', () => {
  it('puts stems at the top of the queue and a plain request at user priority', async () => {
    const [a, b] = withTracks(2);
    const { caller } = testCaller(t);
    await caller.analysis.request({ trackIds: [a!] });
    await caller.analysis.request({ trackIds: [b!], stages: ['stems'] });
    const byHash = new Map(
      t.db
        .select()
        .from(analysisJobs)
        .all()
        .map((j) => [j.audioHash, j]),
    );
    expect(byHash.get('aaaaaaaaaaaaaaa0')).toMatchObject({ priority: ANALYSIS_PRIORITY.user, status: 'queued' });
    expect(byHash.get('aaaaaaaaaaaaaaa1')).toMatchObject({ priority: ANALYSIS_PRIORITY.engine, stagesRequested: ['stems'] });
  });

  it('tells the track page which stems are cached', async () => {
    const [a] = withTracks(1);
    const { caller } = testCaller(t);
    expect((await caller.analysis.forTrack({ trackId: a! })).stems).toBeNull();
    const staged = fs.mkdtempSync(path.join(t.tmp, 'staged-'));
    const files = Object.fromEntries(['vocals', 'drums', 'bass', 'other'].map((s) => [s, path.join(staged, `${s}.wav`)]));
    for (const f of Object.values(files)) fs.writeFileSync(f, Buffer.alloc(100));
    new StemCache(t.ctx).put('aaaaaaaaaaaaaaa0', files, 'wav');
    expect((await caller.analysis.forTrack({ trackId: a! })).stems).toEqual({ format: 'wav', names: ['vocals', 'drums', 'bass', 'other'], sizeBytes: 400 });
  });

  it('hands start/stop/restart to the worker as a job and shows the supervised process it reports', async () => {
    withTracks(0);
    const { caller } = testCaller(t);
    const { jobId } = await caller.analysis.control({ action: 'restart' });
    expect(t.db.select().from(jobs).where(eq(jobs.id, jobId)).get()).toMatchObject({ kind: 'analysis.control', payload: { action: 'restart', remote: [] }, status: 'queued' });
    const supervisor = { state: 'crashed', detail: 'exited (SIGKILL); restarting in 1 s', pid: null, restarts: 1 };
    writeHeartbeat(t.db, {
      id: 'w1',
      pid: 1,
      hostname: 'dj',
      version: 'x',
      state: 'running',
      components: { analysis: { state: 'waiting', supervisor } },
      startedAt: t.clock.now(),
      heartbeatAt: t.clock.now(),
    });
    expect(await caller.analysis.servers()).toMatchObject({ workerOnline: true, state: 'waiting', supervisor });
  });
});
