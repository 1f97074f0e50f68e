import fs from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { analysisJobs, libraryDirectories, tracks } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { claimNextJob, MAX_CLOSED_PER_CLAIM, queueUnanalysed, queueUnanalysedSlice, requestAnalysis } from './jobs';
import { applyStage } from './results';
import { ANALYSIS_PRIORITY } from './schemas';

let t: TestContext;
afterEach(() => t.cleanup());

function library(n: number) {
  t = createTestContext();
  const music = path.join(t.tmp, 'music');
  fs.mkdirSync(music);
  t.db.insert(libraryDirectories).values({ id: 'd1', path: music, name: 'Music', createdAt: 1, updatedAt: 1 }).run();
  for (let i = 0; i < n; i++) {
    fs.writeFileSync(path.join(music, `${i}.mp3`), 'x');
    t.db
      .insert(tracks)
      .values({
        id: `t${i}`,
        directoryId: 'd1',
        relPath: `${i}.mp3`,
        fileName: `${i}.mp3`,
        fileExt: 'mp3',
        sizeBytes: 1,
        mtimeMs: 1,
        audioHash: `${i}`.padStart(16, 'a'),
        dateAdded: 1,
        createdAt: 1,
        updatedAt: 1,
      })
      .run();
  }
  return { music, hash: (i: number) => `${i}`.padStart(16, 'a') };
}
const job = (hash: string) => t.db.select().from(analysisJobs).where(eq(analysisJobs.audioHash, hash)).get()!;

describe('analysis requests', () => {
  it('merge into the one job of their audio: priority raised, stages and waiters added, nothing dropped', () => {
    const { hash } = library(1);
    const now = t.clock.now();
    const first = requestAnalysis(t.db, { audioHash: hash(0), priority: ANALYSIS_PRIORITY.auto }, now);
    expect(first).toMatchObject({ created: true, alreadyDone: false });
    const second = requestAnalysis(
      t.db,
      { audioHash: hash(0), stages: ['stems'], priority: ANALYSIS_PRIORITY.engine, waiter: { type: 'engine_stems', trackId: 't0', requestId: 'r1', at: now } },
      now,
    );
    expect(second.created).toBe(false);
    requestAnalysis(t.db, { audioHash: hash(0), priority: ANALYSIS_PRIORITY.user, waiter: { type: 'user', at: now } }, now);
    expect(t.db.select().from(analysisJobs).all()).toHaveLength(1);
    expect(job(hash(0))).toMatchObject({
      priority: ANALYSIS_PRIORITY.engine, // a lower request never lowers it
      stagesRequested: ['basic_features', 'characteristics', 'stems'],
      waiters: [{ type: 'engine_stems', requestId: 'r1' }, { type: 'user' }],
    });
  });

  it('are not repeated for analysed audio (a re-tagged file keeps its hash) but are for changed audio', () => {
    const { hash } = library(2);
    const now = t.clock.now();
    applyStage(t.db, hash(0), 'basic_features', { tempo: 128 }, now);
    applyStage(t.db, hash(0), 'characteristics', { danceability: true, valence: 5, arousal: 5, energy: -3, loudness: -9, acousticness: false, instrumentalness: false }, now);
    expect(queueUnanalysed(t.db, now)).toBe(1); // only t1
    expect(
      t.db
        .select()
        .from(analysisJobs)
        .all()
        .map((j) => j.audioHash),
    ).toEqual([hash(1)]);
    expect(requestAnalysis(t.db, { audioHash: hash(0), priority: ANALYSIS_PRIORITY.user }, now).alreadyDone).toBe(true);
    // t0's audio changed: it has a new hash, which is analysed
    t.db.update(tracks).set({ audioHash: 'ffffffffffffffff' }).where(eq(tracks.id, 't0')).run();
    expect(queueUnanalysed(t.db, now)).toBe(1);
    expect(job('ffffffffffffffff').status).toBe('queued');
    // and a forced re-analysis of analysed audio is taken
    expect(requestAnalysis(t.db, { audioHash: hash(0), priority: ANALYSIS_PRIORITY.user, force: true }, now).alreadyDone).toBe(false);
  });

  it('close a job as missing when every file with its audio is gone, and the most urgent is claimed first', () => {
    const { music, hash } = library(3);
    const now = t.clock.now();
    for (const i of [0, 1, 2]) requestAnalysis(t.db, { audioHash: hash(i), priority: i === 2 ? ANALYSIS_PRIORITY.user : ANALYSIS_PRIORITY.auto }, now);
    t.db.update(tracks).set({ isMissing: true }).where(eq(tracks.id, 't0')).run();
    const a = claimNextJob(t.db, 'http://s', now)!;
    expect(a.job.audioHash).toBe(hash(2));
    expect(a.filePath).toBe(path.join(music, '2.mp3'));
    expect(a.job.secret).toMatch(/^[\w-]{24}$/);
    const b = claimNextJob(t.db, 'http://s', now)!;
    expect(b.job.audioHash).toBe(hash(1));
    expect(claimNextJob(t.db, 'http://s', now)).toBeUndefined();
    expect(job(hash(0))).toMatchObject({ status: 'missing', lastError: 'Every file with this audio is missing' });
  });
});

describe('the sweep for new audio', () => {
  it('goes through the library a slice at a time and queues every hash once, whatever the gaps', () => {
    const { hash } = library(23);
    // gaps in seq, as deletions leave them
    t.db.delete(tracks).where(eq(tracks.id, 't5')).run();
    t.db.delete(tracks).where(eq(tracks.id, 't6')).run();
    const now = t.clock.now();
    const slices: { queued: number; next: number | null }[] = [];
    for (let at: number | null = 0; at !== null;) {
      const r = queueUnanalysedSlice(t.db, now, at, { rows: 4, limit: 3 });
      slices.push(r);
      expect(r.queued).toBeLessThanOrEqual(3);
      at = r.next;
    }
    expect(slices.length).toBeGreaterThan(6);
    const queued = t.db.select().from(analysisJobs).all();
    expect(queued.map((j) => j.audioHash).sort()).toEqual(
      [...Array(23).keys()]
        .filter((i) => i !== 5 && i !== 6)
        .map(hash)
        .sort(),
    );
    expect(queued.every((j) => j.status === 'queued' && j.stagesRequested.includes('basic_features'))).toBe(true);
    // nothing new: a second sweep queues nothing
    expect(queueUnanalysed(t.db, now)).toBe(0);
  });

  it('leaves audio it cannot read now (a paused folder, an unplugged drive) and takes it when it can', () => {
    const { hash } = library(3);
    const now = t.clock.now();
    t.db.update(libraryDirectories).set({ isAvailable: false }).where(eq(libraryDirectories.id, 'd1')).run();
    expect(queueUnanalysed(t.db, now)).toBe(0);
    t.db.update(libraryDirectories).set({ isAvailable: true, isActive: false }).where(eq(libraryDirectories.id, 'd1')).run();
    expect(queueUnanalysed(t.db, now)).toBe(0);
    expect(t.db.select().from(analysisJobs).all()).toHaveLength(0);
    t.db.update(libraryDirectories).set({ isActive: true }).where(eq(libraryDirectories.id, 'd1')).run();
    expect(queueUnanalysed(t.db, now)).toBe(3);
    // a job closed as missing (the drive went away) opens again once its file can be read
    t.db
      .update(analysisJobs)
      .set({ status: 'missing' })
      .where(eq(analysisJobs.audioHash, hash(1)))
      .run();
    expect(queueUnanalysed(t.db, now)).toBe(1);
    expect(job(hash(1)).status).toBe('queued');
  });

  it('closes jobs whose files are all gone a few per claim, and says so', () => {
    const n = MAX_CLOSED_PER_CLAIM * 2 + 3;
    const { hash } = library(n);
    const now = t.clock.now();
    expect(queueUnanalysed(t.db, now)).toBe(n);
    t.db
      .update(tracks)
      .set({ isMissing: true })
      .where(sql`${tracks.id} != ${`t${n - 1}`}`)
      .run();
    const out = { closed: 0 };
    expect(claimNextJob(t.db, 'http://s', now, out)).toBeUndefined();
    expect(out.closed).toBe(MAX_CLOSED_PER_CLAIM);
    expect(claimNextJob(t.db, 'http://s', now, out)).toBeUndefined();
    expect(out.closed).toBe(MAX_CLOSED_PER_CLAIM);
    const last = claimNextJob(t.db, 'http://s', now, out)!;
    expect(out.closed).toBe(2);
    expect(last.job.audioHash).toBe(hash(n - 1));
    expect(t.db.select().from(analysisJobs).where(eq(analysisJobs.status, 'missing')).all()).toHaveLength(n - 1);
  });
});
