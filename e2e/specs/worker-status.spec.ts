import { test, expect } from '../support/fixtures';

test('the header shows the worker going offline and back online within seconds', async ({ page, stack }) => {
  await page.goto('/library');
  const status = page.getByTestId('worker-status');
  await expect(status).toHaveText('Worker online');

  // a crash (no goodbye): noticed from the stale heartbeat
  await stack.killWorker('SIGKILL');
  await expect(status).toHaveText('Worker offline', { timeout: 12_000 });

  await stack.startWorker();
  await expect(status).toHaveText('Worker online', { timeout: 8_000 });

  // a clean stop says goodbye and is shown at once
  await stack.killWorker('SIGTERM');
  await expect(status).toHaveText('Worker offline', { timeout: 5_000 });
  await stack.startWorker();
  await expect(status).toHaveText('Worker online', { timeout: 8_000 });
});
