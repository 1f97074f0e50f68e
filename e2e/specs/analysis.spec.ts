import { test, expect, scanCrate } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { fakeResults, startFakeAnalysisServer } from '../../server/testing/fake-analysis-server';
import { createMismoClient } from '../../server/trpc/client';
import { formatBpm } from '../../app/_components/library/music-bits';

// the analysis server is not up when the stack starts: it comes up during the test
const PORT = 40_000 + Math.floor(Math.random() * 20_000);
test.use({ stackEnv: { PYTHON_SERVER_URL: `http://127.0.0.1:${PORT}`, ANALYSIS_SERVER_HEALTH_CHECK_INTERVAL_MS: '300' } });

test('BPM, key and a drawn waveform appear live once the analysis server answers', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const client = createMismoClient({ url: stack.url });
  // this test is about the server path: the built-in analyzer (auto's stand-in) stays out of it
  await client.settings.update.mutate({ values: { 'analysis.engine': 'server' } });
  const lib = await fixtureLibrary({ n: 6, seed: 31, edgeCases: false });
  await scanCrate(stack, lib.root);
  const { items } = await client.tracks.list.query({ limit: 50 });
  const track = await client.tracks.byId.query({ id: items[0]!.id });
  const expected = fakeResults(track.audioHash!);

  await page.goto('/analysis');
  await expect(page.getByTestId('analysis-servers')).toContainText('waiting');
  await page.goto(`/library/tracks/${track.id}`);
  await expect(page.getByTestId('waveform-panel')).toContainText(/waiting in the analysis queue|not analysed yet/);

  const fake = await startFakeAnalysisServer({ port: PORT, behaviour: { delayMs: 150 } });
  try {
    // the page updates by itself: no reload
    await expect(page.getByTestId('waveform-panel')).toContainText('analysed', { timeout: 30_000 });
    const canvas = page.getByTestId('waveform');
    await expect(canvas).toHaveAttribute('data-drawn', '0', { timeout: 10_000 });
    const painted = await canvas.evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      return n / (c.width * c.height);
    });
    expect(painted).toBeGreaterThan(0.2);
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect(canvas).toHaveAttribute('data-drawn', '1');
    await page.screenshot({ path: 'test-results/screens/track-waveform.png' });

    await page.goto('/library');
    const row = page.locator(`[data-track-id="${track.id}"]`);
    await expect(row).toContainText(formatBpm(expected.bpm), { timeout: 30_000 });
    await expect
      .poll(
        async () => {
          const c = await client.analysis.counts.query();
          return c.queued + c.dispatched;
        },
        { timeout: 60_000 },
      )
      .toBe(0);
    const done = (await client.analysis.counts.query()).completed;
    expect(done).toBeGreaterThanOrEqual(6);
    await page.screenshot({ path: 'test-results/screens/library-analysed.png' });
    await page.goto('/analysis');
    await page.getByRole('tab', { name: /Done/ }).click();
    await expect(page.getByTestId('analysis-queue').locator('tbody tr')).toHaveCount(done);
    const titles = await page.getByTestId('analysis-queue').locator('tbody tr td:first-child').allTextContents();
    expect(new Set(titles).size).toBeGreaterThan(3); // each job names its own track
    await expect(page.getByTestId('analysis-servers')).toContainText('ready');
    await page.screenshot({ path: 'test-results/screens/analysis.png' });
    expect(fake.submitted).toHaveLength(done); // one job per distinct audio

    // stems on demand: separated, cached, drawn per stem and playable
    await page.goto(`/library/tracks/${track.id}`);
    await page.getByRole('button', { name: 'Separate stems' }).click();
    const stems = page.getByTestId('stems-panel');
    await expect(stems).toBeVisible({ timeout: 30_000 });
    for (const name of ['vocals', 'drums', 'bass', 'other']) await expect(stems.getByRole('listitem', { name: `${name} stem` })).toBeVisible();
    const drums = await page.request.get(`/api/tracks/${track.id}/stems/drums`, { headers: { range: 'bytes=0-11' } });
    expect(drums.status()).toBe(206);
    expect(drums.headers()['content-type']).toBe('audio/wav');
    expect((await drums.body()).subarray(0, 4).toString()).toBe('RIFF');
    expect((await page.request.get(`/api/tracks/${track.id}/stems/..%2F..%2Flibrary.db`)).status()).toBe(404);
    await stems.getByRole('button', { name: 'Solo vocals' }).click();
    await expect(stems.getByRole('button', { name: 'Solo vocals' })).toHaveAttribute('aria-pressed', 'true');
    await page.screenshot({ path: 'test-results/screens/track-stems.png' });
  } finally {
    await fake.close();
  }
});
