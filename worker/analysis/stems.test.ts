import fs from 'node:fs';
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
