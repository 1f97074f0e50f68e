import { test, expect } from '../support/fixtures';
import { createMismoClient } from '../../server/trpc/client';
import { attackFrom } from './cross-site';
import { fingerprint } from './support';

test('open mode (no password): a page on another origin cannot change anything with forms or fetches', async ({ page, stack }) => {
  const client = createMismoClient({ url: stack.url });
  await page.goto('/library'); // the victim uses the library in this browser
  await expect(page.getByTestId('worker-status')).toHaveText('Worker online');
  const before = fingerprint(stack, []);
  const { served } = await attackFrom(page, stack.url);
  expect(served).toContain('/done');
  expect(fingerprint(stack, [])).toEqual(before);
  expect((await client.system.info.query()).backups.list.filter((b) => b.reason === 'manual')).toEqual([]);
  // the library still works for the victim
  await page.goto('/system');
  await expect(page.getByRole('heading', { name: 'System' })).toBeVisible();
});
