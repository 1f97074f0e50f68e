import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { startFakeAnalysisServer } from '../../server/testing/fake-analysis-server';
import { startFakeEngine } from '../../server/testing/fake-audio-engine';
import { createMismoClient } from '../../server/trpc/client';

const ENGINE_PORT = 40_000 + Math.floor(Math.random() * 10_000);
const ANALYSIS_PORT = 50_000 + Math.floor(Math.random() * 10_000);
test.use({
  stackEnv: {
    AUDIO_SERVER_WS_URL: `ws://127.0.0.1:${ENGINE_PORT}`,
    AUDIO_SERVER_RECONNECT_DELAY: '200',
    AUDIO_SERVER_MAX_RECONNECT_DELAY: '1000',
    PYTHON_SERVER_URL: `http://127.0.0.1:${ANALYSIS_PORT}`,
    ANALYSIS_SERVER_HEALTH_CHECK_INTERVAL_MS: '300',
  },
});

test('the header follows the engine, cues set on a deck appear live, cues edited here reach the deck', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const analysis = await startFakeAnalysisServer({ port: ANALYSIS_PORT, behaviour: { delayMs: 5 } });
  const client = createMismoClient({ url: stack.url });
  try {
    const lib = await fixtureLibrary({ n: 3, seed: 5, edgeCases: false });
    const root = path.join(stack.tmp, 'crate');
    fs.cpSync(lib.root, root, { recursive: true });
    const dir = await client.directories.create.mutate({ path: root, name: 'Crate' });
    await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 90_000 }).toBe('completed');
    await expect.poll(async () => (await client.analysis.counts.query()).completed, { timeout: 60_000 }).toBeGreaterThanOrEqual(3);
    const { items } = await client.tracks.list.query({ limit: 10 });
    const track = items[0]!;

    await page.goto(`/library/tracks/${track.id}`);
    await expect(page.getByTestId('engine-status')).toHaveText('Engine offline', { timeout: 15_000 });
    const engine = await startFakeEngine({ port: ENGINE_PORT, version: '2.1.0' });
    try {
      await expect(page.getByTestId('engine-status')).toHaveText('Engine 2.1.0', { timeout: 20_000 });
      await expect.poll(() => engine.connected).toBe(true);

      engine.event('trackLoaded', { deck: 'A', trackId: track.id, success: true });
      await expect(page.getByTestId('engine-status')).toHaveText('Engine 2.1.0 · A', { timeout: 15_000 });
      await expect.poll(async () => (await client.tracks.byId.query({ id: track.id })).playCount).toBe(1);

      // the DJ sets cue A on the deck: it shows up here without a reload
      engine.event('cuePointSet', { deck: 'A', index: 0, position: 12.5, success: true });
      await expect(page.getByRole('textbox', { name: 'Cue A position' })).toHaveValue('0:12.500', { timeout: 15_000 });

      // and a cue typed here reaches the deck, with the one the deck set
      const from = engine.received.length;
      const b = page.getByRole('textbox', { name: 'Cue B position' });
      await b.fill('1:04');
      await b.press('Enter');
      const pushed = await engine.waitFor((m) => m.trackId === track.id && Array.isArray(m.hotCues) && (m.hotCues as unknown[]).length === 2, 15_000, from);
      expect(pushed.hotCues).toEqual([
        { index: 0, position: 12.5, isLoop: false },
        { index: 1, position: 64, isLoop: false },
      ]);
      await page.getByRole('textbox', { name: 'Cue A name' }).fill('Drop');
      await page.getByRole('textbox', { name: 'Cue A name' }).press('Enter');
      await expect.poll(async () => (await client.hotCues.list.query({ trackId: track.id })).cues.find((c) => c.cueIndex === 0)?.name).toBe('Drop');
      await page.getByRole('button', { name: 'Make cue B a loop' }).click();
      await expect(page.getByRole('textbox', { name: 'Cue B loop end' })).toHaveValue('1:12.000');
      await page.getByRole('listitem', { name: 'Cue A' }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'test-results/screens/track-cues.png' });

      await page.goto('/system');
      await expect(page.getByTestId('engine')).toContainText('2.1.0');
      await expect(page.getByTestId('engine-decks')).toContainText(track.title ?? track.fileName);
      await page.getByTestId('engine').scrollIntoViewIfNeeded();
      await page.screenshot({ path: 'test-results/screens/system-engine.png' });
    } finally {
      await engine.close();
    }
    await expect(page.getByTestId('engine-status')).toHaveText('Engine offline', { timeout: 20_000 });
  } finally {
    await analysis.close();
  }
});
