import path from 'node:path';
import { test, expect, scanCrate } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { startFakeEngine } from '../../server/testing/fake-audio-engine';
import { createMismoClient } from '../../server/trpc/client';
import { formatBpm } from '../../app/_components/library/music-bits';

const ENGINE_PORT = 40_000 + Math.floor(Math.random() * 20_000);
// no analysis server at all: the built-in analyzer is the one
test.use({
  stackEnv: { PYTHON_SERVER_URL: '', AUDIO_SERVER_WS_URL: `ws://127.0.0.1:${ENGINE_PORT}`, AUDIO_SERVER_RECONNECT_DELAY: '200', AUDIO_SERVER_MAX_RECONNECT_DELAY: '1000' },
});

test('with no analysis server, BPM, key and a waveform with beat markers appear live; the engine gets full info it asked for before analysis; ×2 reaches its deck', async ({
  page,
  stack,
}) => {
  test.setTimeout(240_000);
  const engine = await startFakeEngine({ port: ENGINE_PORT, version: '2.1.0' });
  const client = createMismoClient({ url: stack.url });
  try {
    // held back at first, so the engine can ask for a track before it is analysed
    await client.settings.update.mutate({ values: { 'analysis.engine': 'server' } });
    const lib = await fixtureLibrary({ n: 5, seed: 77, edgeCases: false, seconds: [20, 28] });
    await scanCrate(stack, lib.root);
    const { items } = await client.tracks.list.query({ limit: 50 });
    const track = await client.tracks.byId.query({ id: items[0]!.id });
    const truth = lib.truth.tracks.find((t) => path.basename(t.path) === track.fileName)!;
    expect(truth).toBeTruthy();

    await expect.poll(() => engine.connected, { timeout: 20_000 }).toBe(true);
    engine.getTrackInfo(track.id, { requestId: 'early', deck: 'A' });
    expect(await engine.waitFor((m) => m.requestId === 'early')).toMatchObject({ success: false, error: 'Analysis in progress' });

    // the Analysis page says nobody analyses, and hands the work to the built-in analyzer in one click
    await page.goto('/analysis');
    await expect(page.getByTestId('analyzer-now')).toContainText('Nobody');
    await page.getByRole('radio', { name: 'Auto' }).click();
    await expect(page.getByTestId('analyzer-now')).toContainText('built-in analyzer', { timeout: 15_000 });

    // the track page fills in by itself: waveform with beat markers, BPM and key with their source
    await page.goto(`/library/tracks/${track.id}`);
    await expect(page.getByTestId('waveform-panel')).toContainText('analysed', { timeout: 60_000 });
    const canvas = page.getByTestId('waveform');
    await expect(canvas).toHaveAttribute('data-drawn', '0', { timeout: 10_000 });
    expect(Number(await canvas.getAttribute('data-beats'))).toBeGreaterThan((truth.seconds * truth.bpm) / 60 - 4);
    const facts = page.getByTestId('analysis-facts');
    await expect(facts.getByTestId('facts-bpm')).toHaveText(`${formatBpm(truth.bpm)} BPM`);
    await expect(facts).toContainText('built-in analyzer');
    await expect(facts.getByTestId('facts-key')).toHaveText(truth.camelot);
    await expect(facts.getByTestId('facts-loudness')).toContainText('LUFS');
    await page.screenshot({ path: 'test-results/screens/builtin-track.png', fullPage: true });

    // the engine that asked early gets full track info by itself
    const info = await engine.waitFor((m) => m.requestId === 'early' && m.success === true, 30_000, 0);
    expect(info).toMatchObject({ trackId: track.id, key: String(truth.tonic), mode: truth.mode === 'major' ? '1' : '0' });
    expect(Math.abs((info.bpm as number) - truth.bpm)).toBeLessThan(0.05);
    expect(typeof info.firstBeatOffset).toBe('number');
    expect(info.firstPhraseBeatNo).toBeGreaterThanOrEqual(1);

    // a tempo fix in one click: the page shows it as yours, and the deck with the track gets it
    engine.event('trackLoaded', { deck: 'A', trackId: track.id, success: true });
    await expect.poll(async () => (await client.tracks.byId.query({ id: track.id })).playCount).toBe(1);
    const from = engine.received.length;
    await facts.getByRole('button', { name: 'Double the BPM' }).click();
    await expect(facts.getByTestId('facts-bpm')).toHaveText(`${formatBpm(truth.bpm * 2)} BPM`);
    await expect(facts).toContainText('you');
    const pushed = await engine.waitFor((m) => m.trackId === track.id && m.success === true && m.bpm === Math.round(truth.bpm * 2 * 1000) / 1000, 10_000, from);
    expect(pushed.filePath).toBe(track.absPath);
    await facts.getByRole('button', { name: 'Nudge the grid +10 ms' }).click();
    expect(await engine.waitFor((m) => m.command === 'updateFirstBeatOffset', 10_000, from)).toMatchObject({ trackId: track.id });

    // the whole crate is analysed, and the Analysis page says so
    await page.goto('/analysis');
    await expect(page.getByTestId('analysis-progress')).toContainText(`${items.length} of ${items.length} tracks analysed`, { timeout: 60_000 });
    await page.screenshot({ path: 'test-results/screens/analysis-builtin.png' });
    await page.goto('/library');
    for (const t of items.slice(0, 3)) {
      const tr = lib.truth.tracks.find((x) => path.basename(x.path) === t.fileName)!;
      if (t.id === track.id) continue;
      await expect(page.locator(`[data-track-id="${t.id}"]`)).toContainText(formatBpm(tr.bpm));
    }
    await page.screenshot({ path: 'test-results/screens/library-builtin.png' });
  } finally {
    await engine.close();
  }
});
