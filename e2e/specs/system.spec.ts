import { test, expect } from '../support/fixtures';
import { parsePrometheus, sampleValue } from '../../server/testing/prometheus';

test('health, metrics and the System page follow the worker; a backup is made on demand', async ({ page, stack }) => {
  const health = async () => {
    const r = await fetch(`${stack.url}/api/health`);
    return { status: r.status, body: (await r.json()) as { status: string; worker: { state: string } } };
  };
  await expect.poll(async () => (await health()).status).toBe(200);

  const metrics = await fetch(`${stack.url}/api/metrics`);
  expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheus(await metrics.text());
  expect(sampleValue(families, 'mismo_worker_up')).toBe(1);
  expect(sampleValue(families, 'mismo_db_size_bytes', { file: 'main' })).toBeGreaterThan(0);

  await page.goto('/system');
  await expect(page.getByTestId('health-overall')).toContainText('ok');
  await expect(page.getByTestId('health-worker')).toContainText('running');
  await expect(page.getByTestId('disk').first()).toContainText('free of');
  const rows = page.getByTestId('backup-row');
  const before = await rows.count();
  await page.getByRole('button', { name: 'Back up now' }).click();
  await expect(page.getByTestId('backup-row').filter({ hasText: 'manual' })).toHaveCount(1, { timeout: 15_000 });
  expect(await rows.count()).toBe(before + 1);
  await page.screenshot({ path: 'test-results/screens/system.png', fullPage: true });

  const exported = await fetch(`${stack.url}/api/export/user-data`);
  expect(exported.headers.get('content-disposition')).toMatch(/attachment; filename="mismo-user-data-/);
  const userData = (await exported.json()) as { format: string; playlists: { type: string }[] };
  expect(userData.format).toBe('mismo-library-user-data');
  // nothing made yet but the always-present thinking playlist (the sidebar asks for it)
  expect(userData.playlists.filter((p) => p.type !== 'temp')).toEqual([]);

  // a crashed worker: health says so within seconds (stale heartbeat), and so does the page
  await stack.killWorker('SIGKILL');
  await expect.poll(async () => (await health()).status, { timeout: 12_000, intervals: [250] }).toBe(503);
  expect((await health()).body).toMatchObject({ status: 'degraded', worker: { state: 'offline' } });
  await expect(page.getByTestId('health-worker')).toContainText('offline', { timeout: 8_000 });
  await expect(page.getByTestId('health-overall')).toContainText('degraded');

  await stack.startWorker();
  await expect.poll(async () => (await health()).status, { timeout: 10_000 }).toBe(200);
});
