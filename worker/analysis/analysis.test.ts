import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisCallbacks, analysisJobs, audioAnalysis, tracks, waveforms } from '@/drizzle/schema';
import { requestAnalysis } from '@/server/analysis/jobs';
import { ANALYSIS_PRIORITY } from '@/server/analysis/schemas';
import { unpackTimes } from '@/server/analysis/results';
import { closeDatabase, openDatabase } from '@/server/db/client';
import { silentLogger } from '@/server/log';
import { SettingsStore } from '@/server/settings/store';
import { freePort } from '@/server/testing/free-port';
import { fakeResults, startFakeAnalysisServer, type FakeAnalysisServer, type FakeBehaviour } from '@/server/testing/fake-analysis-server';
import { startWorker, type WorkerHandle } from '../app';
import { analysisFixture, jobsByStatus, until } from './testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fake(behaviour: Parameters<typeof startFakeAnalysisServer>[0] = {}): Promise<FakeAnalysisServer> {
  const f = await startFakeAnalysisServer(behaviour);
  cleanups.push(() => f.close());
  return f;
}

async function worker(fx: ReturnType<typeof analysisFixture>): Promise<WorkerHandle> {
  const w = await startWorker(fx.env, { log: silentLogger });
  cleanups.push(() => w.stop());
  return w;
}

function fixture(n: number, env: Record<string, string>) {
  const fx = analysisFixture(n, env);
  cleanups.push(fx.cleanup);
  return fx;
}

const completed = (w: WorkerHandle) => jobsByStatus(w.ctx.db, 'completed').length;

describe('analysis with a real HTTP peer', () => {
  it('analyses 200 new tracks in the background, never more than 2 at once, and stores every result', async () => {
    const f = await fake({ behaviour: { delayMs: 2 } });
    const fx = fixture(200, { PYTHON_SERVER_URL: f.url, MAX_CONCURRENT_ANALYSIS: '2' });
    const w = await worker(fx);
    await until('200 analyses', () => completed(w) === 200, 90_000);
    expect(f.stats.maxInFlight).toBe(2);
    expect(f.submitted).toHaveLength(200); // one job per hash, none twice
    expect(new Set(f.submitted.map((s) => s.hash)).size).toBe(200);
    const s = f.submitted[0]!;
    expect(s).toMatchObject({
      mode: 'json',
      stemDelivery: 'path',
      options: { basic_features: true, characteristics: true, genre: false, stems: false, segments: false, transitions: false },
    });
    expect(s.filePath).toBe(path.join(fx.music, `track-${s.hash}.mp3`));
    expect(s.callbackUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${w.httpPort}/api/analysis/callback/[\\w-]{20,}$`));

    // results: per hash, on every track, waveforms at three zoom levels, characteristics as sent
    const db = w.ctx.db;
    const hash = fx.hashes[7]!;
    const expected = fakeResults(hash);
    const track = db.select().from(tracks).where(eq(tracks.audioHash, hash)).get()!;
    expect(track).toMatchObject({ isAnalyzed: true, keyPitch: expected.key, keyMode: expected.mode });
    expect(track.bpm).toBeCloseTo(expected.bpm, 5);
    expect(track.energy).toBeCloseTo(expected.energy, 5);
    expect(track.energy).toBeLessThan(0);
    const a = db.select().from(audioAnalysis).where(eq(audioAnalysis.audioHash, hash)).get()!;
    expect(a.characteristics).toMatchObject({ danceability: true, acousticness: false, instrumentalness: true, valence: 6.49 });
    expect(a.stagesDone).toEqual(['basic_features', 'characteristics']);
    expect(unpackTimes(a.beats)).toHaveLength(64);
    expect(a.firstBeatOffset).toBeCloseTo(0.12, 3);
    const levels = db.select().from(waveforms).where(eq(waveforms.audioHash, hash)).all();
    expect(levels.map((l) => [l.zoomLevel, l.kind, l.numPixels, l.data.length])).toEqual([
      [0, 'main', 1000, 6000],
      [1, 'main', 4000, 24000],
      [2, 'main', 16000, 96000],
    ]);
    // the 0..1 number band was scaled to bytes
    expect(Math.max(...levels[0]!.data.subarray(5000, 6000))).toBeGreaterThan(200);
    // bodies are not kept once processed
    expect(
      db
        .select()
        .from(analysisCallbacks)
        .all()
        .every((c) => c.processedAt && c.body === null && !c.error),
    ).toBe(true);
    const kinds = w.ctx.db.$client.prepare("SELECT type, count(*) n FROM events WHERE type LIKE 'analysis:%' GROUP BY type").all() as { type: string; n: number }[];
    expect(Object.fromEntries(kinds.map((k) => [k.type, k.n]))).toMatchObject({ 'analysis:started': 200, 'analysis:complete': 200 });
  }, 120_000);

  it('lets a user request overtake the backlog', async () => {
    const f = await fake({ behaviour: { hold: true } });
    const fx = fixture(30, { PYTHON_SERVER_URL: f.url });
    const w = await worker(fx);
    await until('two in flight', () => f.submitted.length === 2);
    const wanted = fx.hashes.find((h) => !f.submitted.some((s) => s.hash === h))!;
    const last = fx.hashes.at(-1)!;
    requestAnalysis(w.ctx.db, { audioHash: wanted === last ? fx.hashes[20]! : last, priority: ANALYSIS_PRIORITY.user }, Date.now());
    f.behaviour.hold = false;
    f.release();
    await until('a third submission', () => f.submitted.length >= 3);
    expect(f.submitted[2]!.hash).toBe(wanted === last ? fx.hashes[20] : last);
    await until('all done', () => completed(w) === 30, 30_000);
  }, 60_000);

  it('asks for genre, segments and transitions at idle priority once everything has the basics', async () => {
    const f = await fake({ behaviour: { delayMs: 2 } });
    const fx = fixture(5, { PYTHON_SERVER_URL: f.url });
    const db = openDatabase(fx.env.db.path);
    new SettingsStore(db).update({ 'analysis.deepAnalysisWhenIdle': true });
    closeDatabase(db);
    const w = await worker(fx);
    const deep = () =>
      w.ctx.db
        .select()
        .from(audioAnalysis)
        .all()
        .filter((a) => a.genre && a.segments && a.transitions);
    await until('deep results for every track', () => deep().length === 5, 30_000);
    // the first round asked for the basics only; the deep stages came after, as a second submission per hash
    const rounds = f.submitted.map((s) => Object.keys(s.options).filter((k) => s.options[k]));
    expect(rounds.slice(0, 5).every((r) => r.join() === 'basic_features,characteristics')).toBe(true);
    expect(rounds.slice(5)).toEqual(Array(5).fill(['genre', 'segments', 'transitions']));
    const a = w.ctx.db.select().from(audioAnalysis).where(eq(audioAnalysis.audioHash, fx.hashes[0]!)).get()!;
    expect(a.genre).toEqual({ genres: [{ label: 'Electronic---House', score: 0.81 }] });
    expect(a.stagesDone).toEqual(expect.arrayContaining(['basic_features', 'characteristics', 'genre', 'segments', 'transitions']));
    expect(jobsByStatus(w.ctx.db, 'completed').every((j) => j.priority === ANALYSIS_PRIORITY.idle)).toBe(true);
  }, 60_000);

  it('waits while no server answers, then drains the queue when one comes up', async () => {
    const port = await freePort();
    const fx = fixture(6, { PYTHON_SERVER_URL: `http://127.0.0.1:${port}` });
    const w = await worker(fx);
    await until('jobs queued', () => jobsByStatus(w.ctx.db, 'queued').length === 6);
    await until('analysis shown as waiting', () => w.ctx.db.$client.prepare('SELECT components FROM worker_status').get());
    expect(completed(w)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(jobsByStatus(w.ctx.db, 'queued').every((j) => j.attempts === 0)).toBe(true); // a server away costs no attempts
    const f = await fake({ port });
    await until('the queue drained', () => completed(w) === 6, 20_000);
    expect(f.submitted).toHaveLength(6);
  }, 40_000);

  it('retries refused submissions with backoff and gives up after the last attempt with the reason', async () => {
    const f = await fake({ behaviour: { submitStatus: 500 } });
    const fx = fixture(1, { PYTHON_SERVER_URL: f.url, ANALYSIS_MAX_RETRIES: '3' });
    const w = await worker(fx);
    const [job] = await until('the job failed', () => {
      const failed = jobsByStatus(w.ctx.db, 'failed');
      return failed.length ? failed : undefined;
    });
    expect(job!.attempts).toBe(3);
    expect(job!.lastError).toContain('HTTP 500');
    const failures = w.ctx.db.$client.prepare("SELECT payload FROM events WHERE type = 'analysis:failed' ORDER BY id").all() as { payload: string }[];
    expect(failures.map((e) => (JSON.parse(e.payload) as { final: boolean }).final)).toEqual([false, false, true]);
  }, 30_000);

  it('treats a failed stage as a failure, and copes with duplicate and out-of-order callbacks', async () => {
    const f = await fake({ behaviour: { failStage: 'characteristics' } });
    const fx = fixture(1, { PYTHON_SERVER_URL: f.url, ANALYSIS_MAX_RETRIES: '2' });
    const w = await worker(fx);
    const [failed] = await until('failed', () => (jobsByStatus(w.ctx.db, 'failed').length ? jobsByStatus(w.ctx.db, 'failed') : undefined));
    expect(failed!.lastError).toMatch(/characteristics failed: characteristics model crashed/);
    // basic features that did arrive are kept
    expect(w.ctx.db.select().from(audioAnalysis).get()?.basicAt).toBeTruthy();

    f.behaviour.failStage = undefined;
    f.behaviour.duplicate = true;
    f.behaviour.outOfOrder = true;
    w.ctx.db.update(analysisJobs).set({ status: 'queued', attempts: 0, nextAttemptAt: 0 }).where(eq(analysisJobs.id, failed!.id)).run();
    await until('completed after all', () => completed(w) === 1);
    // every callback of the dispatch that completed was taken, duplicates and all (a failed
    // dispatch's late job_failed may meet a 401 once the job went out again: its secret died with it)
    const last = f.submitted.at(-1)!.callbackUrl;
    // job_completed and characteristics, each delivered twice
    const mine = await until('all delivered', () => (f.callbacks.filter((c) => c.url === last).length === 4 ? f.callbacks.filter((c) => c.url === last) : undefined));
    expect(mine.filter((c) => c.status !== 200)).toEqual([]);
    expect(mine.filter((c) => c.stage === 'characteristics' && c.status === 200).length).toBeGreaterThanOrEqual(2);
    const a = w.ctx.db.select().from(audioAnalysis).get()!;
    expect(a.stagesDone).toEqual(['basic_features', 'characteristics']);
  }, 30_000);

  it('acknowledges a late or replayed callback after the job finished, and changes nothing', async () => {
    const f = await fake({ behaviour: { delayMs: 2 } });
    const fx = fixture(1, { PYTHON_SERVER_URL: f.url });
    const w = await worker(fx);
    await until('completed', () => completed(w) === 1);
    const real = f.submitted[0]!;
    const before = JSON.stringify([w.ctx.db.select().from(audioAnalysis).all(), w.ctx.db.select().from(tracks).all(), w.ctx.db.select().from(waveforms).all()]);
    const callbacksBefore = w.ctx.db.select().from(analysisCallbacks).all().length;
    // the secret of a finished job: a replay with other numbers (BPM 999) must not land
    const data = { ...(f.stageData('basic_features', real.hash) as Record<string, unknown>), tempo: 999 };
    expect(await f.post(real.callbackUrl, { job_id: real.hash, stage: 'basic_features', status: 'completed', data })).toBe(200);
    expect(await f.post(real.callbackUrl, { job_id: real.hash, stage: 'job_completed', status: 'completed' })).toBe(200);
    expect(JSON.stringify([w.ctx.db.select().from(audioAnalysis).all(), w.ctx.db.select().from(tracks).all(), w.ctx.db.select().from(waveforms).all()])).toBe(before);
    expect(w.ctx.db.select().from(analysisCallbacks).all()).toHaveLength(callbacksBefore);
    expect(w.ctx.db.select().from(audioAnalysis).get()!.bpm).not.toBe(999);
  });

  it('refuses a callback with an unknown secret before reading a byte of its body, and stays responsive', async () => {
    const f = await fake({ behaviour: { delayMs: 2 } });
    const fx = fixture(1, { PYTHON_SERVER_URL: f.url });
    const w = await worker(fx);
    await until('completed', () => completed(w) === 1);
    const callbacksBefore = w.ctx.db.select().from(analysisCallbacks).all().length;
    // a 600 MB body is announced; only its first megabyte is ever offered
    const answer = await new Promise<{ status: number; closed: boolean }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: w.httpPort,
          method: 'POST',
          path: '/api/analysis/callback/forged-secret-0123456789',
          headers: { 'content-type': 'application/json', 'content-length': String(600 * 1024 * 1024) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, closed: res.headers.connection === 'close' }));
        },
      );
      req.on('error', reject);
      req.write(Buffer.alloc(1024 * 1024, 0x20));
    });
    expect(answer).toEqual({ status: 401, closed: true });
    expect((await fetch(`http://127.0.0.1:${w.httpPort}/health`)).status).toBe(200);
    expect(w.ctx.db.select().from(analysisCallbacks).all()).toHaveLength(callbacksBefore);
    const incoming = path.join(fx.env.dataDir, 'analysis-callbacks');
    expect(fs.existsSync(incoming) ? fs.readdirSync(incoming).filter((n) => n.startsWith('.incoming')) : []).toEqual([]);
  });

  it('rejects a forged or invalid callback and changes nothing', async () => {
    const f = await fake({ behaviour: { hold: true } });
    const fx = fixture(1, { PYTHON_SERVER_URL: f.url });
    const w = await worker(fx);
    await until('dispatched', () => f.submitted.length === 1);
    const real = f.submitted[0]!;
    const before = JSON.stringify([w.ctx.db.select().from(audioAnalysis).all(), w.ctx.db.select().from(analysisCallbacks).all(), w.ctx.db.select().from(tracks).all()]);
    const forged = real.callbackUrl.replace(/[\w-]+$/, 'not-the-secret-at-all');
    const good = { job_id: real.hash, stage: 'basic_features', status: 'completed', data: f.stageData('basic_features', real.hash) };
    expect(await f.post(forged, good)).toBe(401);
    expect(await f.post(real.callbackUrl.replace(/\/[\w-]+$/, ''), good)).toBe(401);
    expect(await f.post(real.callbackUrl, { ...good, job_id: 'ffffffffffffffff' })).toBe(401); // another job's secret does not fit
    expect(await f.post(real.callbackUrl, { ...good, data: { key: 5 } })).toBe(400); // no tempo
    expect(await f.post(real.callbackUrl, { ...good, stage: 'characteristics', data: { danceability: true } })).toBe(400);
    expect(await f.post(real.callbackUrl, { stage: 'basic_features' })).toBe(400);
    const raw = await fetch(real.callbackUrl, { method: 'POST', body: '{not json' });
    expect(raw.status).toBe(400);
    expect(JSON.stringify([w.ctx.db.select().from(audioAnalysis).all(), w.ctx.db.select().from(analysisCallbacks).all(), w.ctx.db.select().from(tracks).all()])).toBe(before);
    f.release();
    await until('completed', () => completed(w) === 1);
  }, 30_000);

  it('uploads the file as multipart in remote mode, streamed, with the fields in the real order', async () => {
    const f = await fake({ behaviour: { stemDelivery: 'base64' } });
    const fx = fixture(1, { PYTHON_SERVER_URL: f.url, ANALYSIS_SERVER_REMOTE: 'true' });
    const w = await worker(fx);
    await until('completed', () => completed(w) === 1);
    const s = f.submitted[0]!;
    expect(s).toMatchObject({ mode: 'multipart', stemDelivery: 'callback', fileName: `track-${fx.hashes[0]}.mp3`, fileBytes: 12 });
    expect(f.stats.multipartFieldOrder).toEqual(['file', 'track_hash', 'options', 'callback_url', 'stem_delivery_mode']);
  }, 30_000);

  for (const delivery of ['path', 'base64', 'url'] as const) {
    it(`takes stems delivered by ${delivery} into the byte-bounded cache, stem waveforms beside the main ones`, async () => {
      const f = await fake({ behaviour: { stemDelivery: delivery } });
      const fx = fixture(1, { PYTHON_SERVER_URL: f.url });
      const w = await worker(fx);
      await until('basic analysis', () => completed(w) === 1);
      const hash = fx.hashes[0]!;
      requestAnalysis(w.ctx.db, { audioHash: hash, stages: ['stems'], priority: ANALYSIS_PRIORITY.engine }, Date.now());
      w.analysis.wake();
      await until('stems', () => w.analysis.stems.has(hash) && completed(w) === 1 && jobsByStatus(w.ctx.db, 'completed')[0]!.stagesDone.includes('stems'));
      const stemRequest = f.submitted[1]!;
      expect(stemRequest.options).toMatchObject({ basic_features: false, characteristics: false, stems: true });
      const set = w.analysis.stems.get(hash)!;
      expect(Object.keys(set.files).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
      for (const file of Object.values(set.files)) expect(fs.readFileSync(file).subarray(0, 4).toString()).toBe('RIFF');
      const kinds = w.ctx.db.select({ kind: waveforms.kind, zoom: waveforms.zoomLevel }).from(waveforms).where(eq(waveforms.audioHash, hash)).all();
      expect(kinds.filter((k) => k.kind === 'main')).toHaveLength(3); // storing stem waveforms kept the main ones
      expect(kinds.filter((k) => k.kind === 'stems')).toHaveLength(1);
    }, 30_000);
  }

  // each hostile delivery fails the stems stage with a clear reason and nothing enters the cache
  const hostile: [string, (f: { url: string; jobsDir: string }, hash: string, dataDir: string) => Partial<FakeBehaviour>, RegExp][] = [
    ['another host', () => ({ stemDelivery: 'url', foreignStemHost: true }), /refusing to download from http:\/\/localhost:\d+/],
    [
      'another port on the same host',
      (f) => ({ stemDelivery: 'url', stemUrlBase: f.url.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) + 1}`) }),
      /refusing to download from http:\/\/127\.0\.0\.1:\d+/,
    ],
    ['a redirect', (f) => ({ stemDelivery: 'url', stemRedirectTo: `${f.url.replace('127.0.0.1', 'localhost')}/secret.wav` }), /refusing to follow a redirect/],
    [
      'a path outside the allowed folders (/etc/passwd)',
      () => ({ stemDelivery: 'path', stemPaths: { vocals: '/etc/passwd', drums: '/etc/passwd', bass: '/etc/passwd', other: '/etc/passwd' } }),
      /outside the allowed folders/,
    ],
    [
      "the library's own session secret",
      (_f, _h, dataDir) => {
        const secret = path.join(dataDir, 'session-secret');
        fs.mkdirSync(dataDir, { recursive: true });
        fs.writeFileSync(secret, 'top secret');
        return { stemDelivery: 'path', stemPaths: { vocals: secret, drums: secret, bass: secret, other: secret } };
      },
      /not in this job's folder/,
    ],
    [
      "a link in the job's folder to /etc/passwd",
      (f, hash) => {
        const dir = path.join(f.jobsDir, hash, 'evil');
        fs.mkdirSync(dir, { recursive: true });
        fs.symlinkSync('/etc/passwd', path.join(dir, 'vocals.wav'));
        const p = path.join(dir, 'vocals.wav');
        return { stemDelivery: 'path', stemPaths: { vocals: p, drums: p, bass: p, other: p } };
      },
      /outside the allowed folders/,
    ],
  ];
  for (const [what, behaviour, reason] of hostile) {
    it(`refuses stems delivered by ${what}`, async () => {
      const f = await fake({ behaviour: { stemDelivery: 'url' } });
      const fx = fixture(1, { PYTHON_SERVER_URL: f.url, ANALYSIS_MAX_RETRIES: '1' });
      const w = await worker(fx);
      await until('basic analysis', () => completed(w) === 1);
      Object.assign(f.behaviour, behaviour(f, fx.hashes[0]!, fx.env.dataDir));
      requestAnalysis(w.ctx.db, { audioHash: fx.hashes[0]!, stages: ['stems'], priority: ANALYSIS_PRIORITY.engine }, Date.now());
      w.analysis.wake();
      const errors = () =>
        w.ctx.db
          .select()
          .from(analysisCallbacks)
          .all()
          .filter((c) => c.error);
      await until('the stems callback failed', () => errors().length === 1);
      expect(errors()[0]!.error).toMatch(reason);
      expect(w.analysis.stems.has(fx.hashes[0]!)).toBe(false);
      expect(fs.existsSync(path.join(fx.env.dataDir, 'stems', fx.hashes[0]!))).toBe(false);
    }, 30_000);
  }
});

describe('analysis across a worker crash', () => {
  it('resumes after the worker is killed mid-analysis, without submitting anything twice', async () => {
    const f = await fake({ behaviour: { hold: true } });
    const port = await freePort();
    const fx = fixture(4, { PYTHON_SERVER_URL: f.url, WORKER_PORT: String(port) });
    const spawnWorker = () => {
      const env = {
        ...process.env,
        NODE_ENV: 'test' as const,
        DATA_DIR: fx.env.dataDir,
        WORKER_PORT: String(port),
        PORT: String(port + 1),
        PYTHON_SERVER_URL: f.url,
        AUDIO_SERVER_WS_URL: '',
        LOG_LEVEL: 'silent',
        ANALYSIS_SERVER_HEALTH_CHECK_INTERVAL_MS: '200',
      };
      const c: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { env, stdio: 'ignore' });
      cleanups.push(() => c.kill('SIGKILL'));
      return c;
    };
    const first = spawnWorker();
    await until('two dispatched', () => f.submitted.length === 2, 30_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    spawnWorker();
    for (let i = 0; i < 300 && !(await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.ok; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    f.behaviour.hold = false;
    f.release();
    const { openDatabase, closeDatabase } = await import('@/server/db/client');
    const db = openDatabase(fx.env.db.path);
    cleanups.push(() => closeDatabase(db));
    await until('all four completed', () => jobsByStatus(db, 'completed').length === 4, 30_000);
    const perHash = new Map<string, number>();
    for (const s of f.submitted) perHash.set(s.hash, (perHash.get(s.hash) ?? 0) + 1);
    expect([...perHash.values()]).toEqual([1, 1, 1, 1]);
    expect(db.select().from(analysisJobs).all()).toHaveLength(4);
  }, 90_000);
});
