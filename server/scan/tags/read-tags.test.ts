import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import xxhash from 'xxhash-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureLibrary } from '../../testing/library/generate';
import { hashAudioFile } from '../hash';
import { readTags } from './read-tags';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'read-tags-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(bytes: Buffer) {
  const file = path.join(dir, 'cut.ogg');
  fs.writeFileSync(file, bytes);
  return readTags(file, 'cut.ogg', hashAudioFile(file, await xxhash()));
}

describe('readTags on damaged files', () => {
  it('an Ogg file cut anywhere has its real duration or none, never years (granule -1 of a header page)', async () => {
    // the library the e2e specs use: its Ogg source has a cover, so its comment header spans pages
    // whose granule position is -1 — cut at 30 % it once read as 13,000 years
    const lib = await fixtureLibrary({ n: 24, seed: 5 });
    const cut = lib.truth.specials.find((s) => s.kind === 'truncated' && s.path.endsWith('.ogg'))!;
    const source = lib.truth.tracks.find((t) => t.path === cut.of)!;
    const full = fs.readFileSync(path.join(lib.root, source.path));
    const seen: (number | null | string)[] = [];
    for (let i = 1; i < 20; i++) {
      const r = await read(full.subarray(0, Math.floor((full.length * i) / 20)));
      seen.push(r.ok ? r.facts.durationMs : 'unreadable');
      if (r.ok && r.facts.durationMs !== null) expect(r.facts.durationMs, `cut at ${i * 5} %`).toBeLessThanOrEqual(source.seconds * 1000 + 1000);
    }
    expect(seen.some((d) => d === null)).toBe(true);
    const whole = await read(full);
    expect(whole.ok && whole.facts.durationMs! / 1000).toBeCloseTo(source.seconds, 0);
  }, 120_000);
});
