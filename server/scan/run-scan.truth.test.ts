import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { TrackSchema } from '../tracks/output';
import { fixtureLibrary, type Truth } from '../testing/library/generate';
import type { runScan } from './run-scan';
import { addFolder, allTracks, runQueuedScan } from './testing';

let t: TestContext;
let lib: { root: string; truth: Truth };
let result: Awaited<ReturnType<typeof runScan>>;

beforeAll(async () => {
  lib = await fixtureLibrary({ n: 40, seed: 11 });
  t = createTestContext();
  t.clock.set(Date.now());
  const { scanId } = await addFolder(t.ctx, lib.root);
  result = await runQueuedScan(t.ctx, scanId);
}, 300_000);
afterAll(() => t.cleanup());

describe('a scan of a generated library matches its truth', () => {
  it('finds every audio file once and ignores non-audio, hidden and linked files', () => {
    const expected = [...lib.truth.tracks.map((x) => x.path), ...lib.truth.specials.filter((s) => s.expect !== 'ignored').map((s) => s.path)].sort();
    const found = allTracks(t.ctx)
      .map((x) => x.relPath)
      .sort();
    expect(found).toEqual(expected);
    expect(result.status).toBe('completed');
    expect(result.stats).toMatchObject({ found: expected.length, added: expected.length, missing: 0, moved: 0 });
  });

  it('forms duplicate groups exactly as listed (same audio, whatever the tags)', () => {
    const groups = new Map<number, string[]>();
    for (const tr of allTracks(t.ctx)) if (tr.duplicateGroupId) (groups.get(tr.duplicateGroupId) ?? groups.set(tr.duplicateGroupId, []).get(tr.duplicateGroupId)!).push(tr.relPath);
    const norm = (gs: string[][]) => gs.map((g) => [...g].sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(norm([...groups.values()])).toEqual(norm(Object.values(lib.truth.dupGroups)));
    expect(result.stats.duplicates).toBe(Object.keys(lib.truth.dupGroups).length);
  });

  it('flags broken files with a reason, and imports a misnamed file with a warning', () => {
    const byPath = new Map(allTracks(t.ctx).map((x) => [x.relPath, x]));
    for (const s of lib.truth.specials.filter((x) => x.expect !== 'ignored')) {
      const tr = byPath.get(s.path)!;
      if (s.expect === 'broken') {
        expect(tr.isBroken, s.path).toBe(true);
        expect(tr.brokenReason, s.path).toMatch(/^(truncated|corrupt|empty|not an audio file|unreadable)/);
      } else {
        expect(tr.isBroken, s.path).toBe(false);
        expect(tr.fileWarning, s.path).toMatch(/FLAC audio but its name ends in \.mp3/);
        expect(tr.format).toBe('flac');
      }
    }
    for (const tr of lib.truth.tracks) expect(byPath.get(tr.path)!.isBroken, tr.path).toBe(false);
  });

  it('stores only values the API can answer with, broken files included (a cut Ogg page once gave 13,000 years)', () => {
    for (const tr of allTracks(t.ctx)) {
      const parsed = TrackSchema.safeParse(tr);
      expect(parsed.error?.issues ?? [], tr.relPath).toEqual([]);
      if (tr.durationMs !== null) expect(tr.durationMs, tr.relPath).toBeLessThan(48 * 3_600_000);
    }
  });

  it('reads tags, BPM and key tags where present, and falls back to the file name', () => {
    const byPath = new Map(allTracks(t.ctx).map((x) => [x.relPath, x]));
    for (const tr of lib.truth.tracks) {
      const row = byPath.get(tr.path)!;
      expect(row.audioHash, tr.path).toMatch(/^[0-9a-f]{16}$/);
      expect(row.durationMs! / 1000, tr.path).toBeGreaterThan(tr.seconds - 0.2);
      expect(row.durationMs! / 1000, tr.path).toBeLessThan(tr.seconds + 0.2);
      expect(row.isLossless, tr.path).toBe(tr.lossless);
      // the average bitrate of the audio: at most the whole file's; tags and padding make up the rest (covers can be most of a short file)
      const wholeFile = (row.sizeBytes * 8) / (row.durationMs! / 1000);
      expect(row.bitrate, tr.path).toBeLessThanOrEqual(wholeFile * 1.01);
      expect(row.bitrate, tr.path).toBeGreaterThan(tr.hasCover ? 32_000 : wholeFile * 0.8);
      const plausibleBpm = tr.tagBpm !== null && tr.tagBpm >= 30 && tr.tagBpm <= 300 ? tr.tagBpm : null;
      expect(row.tagBpm, tr.path).toBe(plausibleBpm);
      if (tr.tagKey) expect({ pitch: row.tagKeyPitch, mode: row.tagKeyMode }, tr.path).toEqual({ pitch: tr.tonic, mode: tr.mode === 'major' ? 1 : 0 });
      else expect(row.tagKey, tr.path).toBeNull();
      if (tr.tags) {
        expect(row.title, tr.path).toBe(String(tr.tags.title).normalize('NFC'));
        expect(row.artist, tr.path).toBe(String(tr.tags.artist).normalize('NFC'));
        expect(row.metadataSource).toBe('tags');
      }
      expect(Boolean(row.artworkId), tr.path).toBe(tr.hasCover);
    }
    expect(byPath.get('_Unsorted/07 - Kenji Tanaka - Neon Pulse.mp3')).toMatchObject({ title: 'Neon Pulse', artist: 'Kenji Tanaka', trackNumber: 7, metadataSource: 'filename' });
    expect(byPath.get('_Unsorted/Priya_Haddad_-_Velvet_Drift.flac')).toMatchObject({ title: 'Velvet Drift', artist: 'Priya Haddad', metadataSource: 'filename' });
  });

  it('stores each distinct cover once, with a thumbnail, and emits batched events', () => {
    const covers = new Set(
      allTracks(t.ctx)
        .map((x) => x.artworkId)
        .filter(Boolean),
    );
    const rows = t.db.$client.prepare('SELECT count(*) n FROM artworks').get() as { n: number };
    expect(rows.n).toBe(covers.size);
    const types = t.events().map((e) => e.type);
    expect(types).toContain('library:directory:scan:started');
    expect(types).toContain('library:directory:scan:complete');
    const added = t.events().filter((e) => e.type === 'track:added');
    expect(added.length).toBeLessThan(allTracks(t.ctx).length);
    expect(added.flatMap((e) => (e.payload as { trackIds: string[] }).trackIds)).toHaveLength(allTracks(t.ctx).length);
  });
});
