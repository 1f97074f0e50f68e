import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalysisJob } from '@/drizzle/schema';
import { createTestContext, type TestContext } from '@/server/testing/create-test-context';
import { dbFingerprint } from '@/server/testing/db-fingerprint';
import { StemCache, acceptStems } from './stems';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const wav = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(40)]).toString('base64');
const delivery = { delivery_mode: 'callback', stems: { vocals: wav, drums: wav, bass: wav, other: wav }, format: 'wav', encoding: 'base64', waveforms: [] };
const job = (stagesDispatched: string[]) => ({ audioHash: '0123456789abcdef', serverUrl: 'http://127.0.0.1:8000', stagesDispatched }) as unknown as AnalysisJob;

describe('accepting stems', () => {
  it('only for a job whose dispatch asked for them: anything else is refused and changes nothing', async () => {
    t = createTestContext();
    const cache = new StemCache(t.ctx);
    const before = dbFingerprint(t.db);
    await expect(acceptStems(t.ctx, cache, job(['basic_features', 'characteristics']), delivery)).rejects.toThrow(/did not ask for them/);
    expect(dbFingerprint(t.db)).toBe(before);
    expect(fs.existsSync(cache.root) ? fs.readdirSync(cache.root) : []).toEqual([]);
    const set = await acceptStems(t.ctx, cache, job(['stems']), delivery);
    expect(Object.keys(set.files).sort()).toEqual(['bass', 'drums', 'other', 'vocals']);
  });
});

describe('the stem cache', () => {
  it('stays within its byte limit, evicting the least recently used set but never a protected one', () => {
    const c = createTestContext();
    t = c;
    const cache = new StemCache(c.ctx, 2_500);
    const put = (hash: string) => {
      const dir = fs.mkdtempSync(path.join(c.tmp, 'staged-'));
      const files = Object.fromEntries(['vocals', 'drums'].map((s) => [s, path.join(dir, `${s}.wav`)]));
      for (const f of Object.values(files)) fs.writeFileSync(f, Buffer.alloc(500));
      c.clock.advance(1000);
      return cache.put(hash, files, 'wav');
    };
    put('a000000000000000');
    cache.protect('a000000000000000', true); // loaded on a deck
    put('b000000000000000');
    c.clock.advance(1000);
    expect(cache.get('b000000000000000')).toBeDefined(); // reading a set counts as using it
    put('c000000000000000'); // 3,000 bytes: one set must go, and a is protected
    expect(cache.has('a000000000000000')).toBe(true);
    expect(cache.has('b000000000000000')).toBe(false);
    expect(cache.has('c000000000000000')).toBe(true);
    expect(cache.totalBytes()).toBeLessThanOrEqual(2_500);
    expect(fs.existsSync(path.join(cache.root, 'b000000000000000'))).toBe(false);
    // a set with a file gone is no set
    fs.rmSync(path.join(cache.root, 'c000000000000000', 'vocals.wav'));
    expect(cache.get('c000000000000000')).toBeUndefined();
    expect(cache.has('c000000000000000')).toBe(false);
  });
});
