import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobs, audioAnalysis, tracks, waveforms } from '@/drizzle/schema';
import { unpackTimes } from '@/server/analysis/results';
import { closeDatabase, openDatabase } from '@/server/db/client';
import { silentLogger } from '@/server/log';
import { SettingsStore } from '@/server/settings/store';
import { fakeResults, startFakeAnalysisServer } from '@/server/testing/fake-analysis-server';
import { freePort } from '@/server/testing/free-port';
import { synthesize } from '@/server/testing/library/synth';
import { wavBytes } from '@/server/testing/library/wav';
import { updateTrack } from '@/server/tracks/update-track';
import { startWorker, type WorkerHandle } from '../app';
import { analysisFixture, jobsByStatus, until } from './testing';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Real audio (WAV data) in the fixture's stand-in files: 20 s at a known tempo and key. */
function withAudio(n: number, env: Record<string, string>, engine: 'auto' | 'builtin' | 'server' = 'auto') {
  const fx = analysisFixture(n, env);
  cleanups.push(fx.cleanup);
  const truth = fx.hashes.map((hash, i) => {
    const bpm = [124, 128, 140, 174, 100][i % 5]!;
    fs.writeFileSync(path.join(fx.music, `track-${hash}.mp3`), wavBytes(synthesize({ seconds: 20, bpm, tonic: (i * 5) % 12, mode: 'minor', seed: i })));
    return { hash, bpm, tonic: (i * 5) % 12 };
  });
  const db = openDatabase(fx.env.db.path);
  new SettingsStore(db).update({ 'analysis.engine': engine });
  closeDatabase(db);
  return { ...fx, truth };
}

async function worker(env: Parameters<typeof startWorker>[0]): Promise<WorkerHandle> {
  const w = await startWorker(env, { log: silentLogger });
  cleanups.push(() => w.stop());
  return w;
}

const analysisOf = (w: WorkerHandle, hash: string) => w.ctx.db.select().from(audioAnalysis).where(eq(audioAnalysis.audioHash, hash)).get();

describe('the built-in analyzer', () => {
  it('analyses every track with no analysis server: BPM, key, grid, loudness, energy and waveforms, through the callback path', async () => {
    const fx = withAudio(3, { PYTHON_SERVER_URL: '' });
    const w = await worker(fx.env);
    await until('3 analyses', () => jobsByStatus(w.ctx.db, 'completed').length === 3, 60_000);
    for (const t of fx.truth) {
      const a = analysisOf(w, t.hash)!;
      expect(a).toMatchObject({ analyzer: 'builtin', analysisVersion: 'builtin/1', keyPitch: t.tonic, keyMode: 0, tempoVariable: false });
      expect(a.bpm).toBeCloseTo(t.bpm, 2);
      expect(a.bpmConfidence).toBeGreaterThan(0.5);
      expect(a.firstBeatOffset).toBeLessThan(0.01);
      expect(unpackTimes(a.beats).length).toBeGreaterThan((20 * t.bpm) / 60 - 2);
      expect(a.loudnessLufs).toBeGreaterThan(-20);
      expect(a.loudnessLufs).toBeLessThan(-5);
      expect(a.replayGainDb).toBeCloseTo(-18 - a.loudnessLufs!, 1);
      expect(a.stagesDone).toEqual(['basic_features', 'characteristics']);
      const track = w.ctx.db.select().from(tracks).where(eq(tracks.audioHash, t.hash)).get()!;
      expect(track).toMatchObject({ isAnalyzed: true, keyPitch: t.tonic, keyMode: 0 });
      expect(track.bpm).toBeCloseTo(t.bpm, 2);
      expect(track.energyLevel).toBeGreaterThanOrEqual(1);
      expect(track.energyLevel).toBeLessThanOrEqual(10);
      const levels = w.ctx.db.select().from(waveforms).where(eq(waveforms.audioHash, t.hash)).all();
      expect(levels.map((l) => [l.zoomLevel, l.numPixels, l.data.length])).toEqual([
        [0, 1000, 6000],
        [1, 4000, 24000],
        [2, 16000, 96000],
      ]);
    }
    // the same code as a server's callbacks stored them, and announced them
    const events = w.ctx.db.$client.prepare(`SELECT type, payload FROM events WHERE type LIKE 'analysis:%'`).all() as { type: string }[];
    expect(events.filter((e) => e.type === 'analysis:complete')).toHaveLength(3);
    expect(w.components.snapshot().analysis).toMatchObject({ state: 'ready', analyzer: 'builtin', builtin: { tracks: 3 } });
  });

  it('fails a file it cannot decode with a plain reason and no retries; a silent file gets "no tempo", not a made-up one', async () => {
    const fx = withAudio(3, { PYTHON_SERVER_URL: '' });
    fs.writeFileSync(path.join(fx.music, `track-${fx.hashes[0]}.mp3`), Buffer.from('this is not audio at all, just text that claims to be an mp3'.repeat(40)));
    fs.writeFileSync(path.join(fx.music, `track-${fx.hashes[1]}.mp3`), Buffer.alloc(0));
    fs.writeFileSync(path.join(fx.music, `track-${fx.hashes[2]}.mp3`), wavBytes(new Int16Array(44100 * 2 * 5)));
    const w = await worker(fx.env);
    await until('all settled', () => jobsByStatus(w.ctx.db, 'failed').length === 2 && jobsByStatus(w.ctx.db, 'completed').length === 1, 60_000);
    for (const j of jobsByStatus(w.ctx.db, 'failed')) {
      expect(j.attempts).toBe(1);
      expect(j.lastError).toMatch(/^The file (could not be decoded|holds no audio)/);
    }
    const silent = analysisOf(w, fx.hashes[2]!)!;
    expect(silent).toMatchObject({ bpm: null, noTempoReason: 'The file is silent', keyPitch: null, loudnessLufs: null });
    const track = w.ctx.db.select().from(tracks).where(eq(tracks.audioHash, fx.hashes[2]!)).get()!;
    expect(track).toMatchObject({ isAnalyzed: true, bpm: null });
  });

  it('auto: a healthy server gets the jobs, the built-in analyzer takes over when it goes away, the server replaces built-in results, and a user correction survives both', async () => {
    const f = await startFakeAnalysisServer({ behaviour: { delayMs: 2, healthy: false } });
    cleanups.push(() => f.close());
    const fx = withAudio(3, { PYTHON_SERVER_URL: f.url });
    const w = await worker(fx.env);
    const [a, b, c] = fx.hashes as [string, string, string];
    // the server is down: the built-in analyzer does the work
    await until('built-in results', () => jobsByStatus(w.ctx.db, 'completed').length === 3, 60_000);
    expect(f.submitted).toHaveLength(0);
    expect(analysisOf(w, a)!.analyzer).toBe('builtin');
    // the user fixes one BPM
    const trackA = w.ctx.db.select().from(tracks).where(eq(tracks.audioHash, a)).get()!;
    updateTrack(w.ctx, { id: trackA.id, bpm: 62 });

    // the server comes up: built-in results are handed to it, at idle priority, and replaced
    f.behaviour.healthy = true;
    await until('server results', () => [a, b, c].every((h) => analysisOf(w, h)?.analyzer === 'server'), 60_000);
    await until('server jobs closed', () => jobsByStatus(w.ctx.db, 'completed').length === 3, 30_000);
    expect(new Set(f.submitted.map((s) => s.hash))).toEqual(new Set([a, b, c]));
    expect(analysisOf(w, b)!.bpm).toBeCloseTo(fakeResults(b).bpm, 5);
    const after = w.ctx.db.select().from(tracks).where(eq(tracks.id, trackA.id)).get()!;
    expect(after.bpm).toBe(62); // the correction wins over the server too
    expect(after.bpmOverride).toBe(62);

    // the server goes away: new audio is analysed by the built-in analyzer again
    f.behaviour.healthy = false;
    await until('server seen down', () => w.components.snapshot().analysis?.analyzer === 'builtin', 30_000);
    const n = f.submitted.length;
    expect(w.ctx.db.select().from(analysisJobs).where(eq(analysisJobs.audioHash, c)).get()!.status).toBe('completed');
    // (a forced re-analysis of c, as "Analyse now" asks for)
    const { requestAnalysis } = await import('@/server/analysis/jobs');
    requestAnalysis(w.ctx.db, { audioHash: c, priority: 20, force: true }, Date.now());
    w.analysis.wake();
    await until('built-in again', () => analysisOf(w, c)?.analyzer === 'builtin', 60_000);
    expect(f.submitted.length).toBe(n);
  });

  it('a truncated file is analysed as far as it goes, and a file past the per-track time limit is stopped with that reason', async () => {
    const fx = withAudio(2, { PYTHON_SERVER_URL: '', ANALYSIS_TRACK_TIMEOUT_MS: '1000' });
    const [cut, long] = fx.hashes as [string, string];
    const cutFile = path.join(fx.music, `track-${cut}.mp3`);
    const flacFile = `${cutFile}.flac`;
    execFileSync('flac', ['--silent', '-f', '-o', flacFile, path.join(fx.music, `track-${cut}.mp3`)]);
    const bytes = fs.readFileSync(flacFile);
    fs.writeFileSync(cutFile, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    fs.rmSync(flacFile);
    // ten minutes of noise (8 kHz WAV, quick to make): seconds of work, past the limit
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anoisesrc=d=600:a=0.3:r=8000', '-c:a', 'pcm_u8', '-f', 'wav', path.join(fx.music, `track-${long}.mp3`)]);
    const w = await worker(fx.env);
    await until('both settled', () => jobsByStatus(w.ctx.db, 'completed').length + jobsByStatus(w.ctx.db, 'failed').length === 2, 60_000);
    const a = analysisOf(w, cut)!;
    expect(a.analyzer).toBe('builtin');
    expect(a.audibleEnd!).toBeGreaterThan(8); // 60 % of 20 s, at least
    expect(a.audibleEnd!).toBeLessThan(15);
    const failed = jobsByStatus(w.ctx.db, 'failed');
    expect(failed.map((j) => j.audioHash)).toEqual([long]);
    expect(failed[0]!.lastError).toBe('Analysis took longer than 1 s and was stopped');
    expect(failed[0]!.attempts).toBe(1);
  });

  it('server mode: jobs wait for a server that does not answer, and the built-in analyzer never runs', async () => {
    const fx = withAudio(1, { PYTHON_SERVER_URL: `http://127.0.0.1:${await freePort()}` }, 'server');
    const w = await worker(fx.env);
    await until('queued', () => jobsByStatus(w.ctx.db, 'queued').length === 1);
    await until('reported', () => w.components.snapshot().analysis?.state === 'waiting');
    expect(w.analysis.builtin.stats.tracks).toBe(0);
    expect(analysisOf(w, fx.hashes[0]!)).toBeUndefined();
  });
});
