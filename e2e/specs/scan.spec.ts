import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';

test('adding a folder scans it: tracks fill the library live, the folder shows a summary, broken files are listed', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const lib = await fixtureLibrary({ n: 40, seed: 11 });
  const root = path.join(stack.tmp, 'crate');
  fs.cpSync(lib.root, root, { recursive: true, verbatimSymlinks: true });
  const expected = lib.truth.tracks.length + lib.truth.specials.filter((s) => s.expect !== 'ignored').length;

  await page.goto('/library');
  const client = createMismoClient({ url: stack.url });
  await client.directories.create.mutate({ path: root, name: 'Crate' });
  // rows arrive while the scan runs, without a reload
  await expect(page.getByTestId('track-row').first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('track-total')).toHaveText(`${expected} tracks`, { timeout: 60_000 });
  await page.screenshot({ path: 'test-results/screens/library-list.png' });

  await page
    .getByRole('complementary', { name: 'Filters' })
    .getByRole('button', { name: /^Broken/ })
    .click();
  const broken = lib.truth.specials.filter((s) => s.expect === 'broken').length;
  await expect(page.getByTestId('track-total')).toHaveText(`${broken} tracks`);
  await expect(page.getByText(/truncated: /).first()).toBeVisible();

  await page.goto('/folders');
  const card = page.getByTestId('folder-card').filter({ hasText: 'Crate' });
  await expect(card.getByTestId('scan-summary')).toContainText(`${expected} files`);
  await expect(card.getByTestId('scan-summary')).toContainText(`${broken} broken`);
  await card.getByRole('button', { name: 'Scan history' }).click();
  await expect(card.getByRole('table', { name: 'Scan history' })).toContainText('completed');
  await page.screenshot({ path: 'test-results/screens/folders-scanned.png' });

  // a rescan of an unchanged folder reads nothing
  // (the watcher's catch-up scan may still be around: wait for quiet, then ask for one by hand)
  await expect.poll(async () => (await client.scans.active.query()).length, { timeout: 30_000 }).toBe(0);
  const firstScan = (await client.scans.history.query({ limit: 1 }))[0]!.id;
  await card.getByRole('button', { name: 'Scan', exact: true }).click();
  await expect
    .poll(async () => (await client.scans.history.query({ limit: 5 })).find((s) => s.id > firstScan && s.trigger === 'user'), { timeout: 30_000 })
    .toMatchObject({ status: 'completed' });
  const last = (await client.scans.history.query({ limit: 5 })).find((s) => s.id > firstScan && s.trigger === 'user')!;
  expect(last.stats).toMatchObject({ processed: 0, unchanged: expected, added: 0 });
  await expect(card.getByTestId('scan-summary')).toContainText('Scanned just now');
});

test('a running scan shows live progress and can be cancelled', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const lib = await fixtureLibrary({ n: 40, seed: 11 });
  // several copies of the library, so a full rescan runs long enough to be cancelled by hand
  const root = path.join(stack.tmp, 'slowcrate');
  for (let i = 0; i < 10; i++) fs.cpSync(lib.root, path.join(root, `copy ${i}`), { recursive: true, verbatimSymlinks: true });
  const client = createMismoClient({ url: stack.url });
  const dir = await client.directories.create.mutate({ path: root, name: 'Slow Crate', followSymlinks: false });
  // let the first scan finish, then force a full rescan and cancel it while it runs
  await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 60_000 }).toBe('completed');
  await page.goto('/folders');
  const card = page.getByTestId('folder-card').filter({ hasText: 'Slow Crate' });
  await card.getByRole('button', { name: 'Scan options' }).click();
  await page.getByRole('menuitem', { name: /Full rescan/ }).click();
  await expect(card.getByTestId('scan-counts')).toBeVisible();
  const full = (await client.scans.history.query({ directoryId: dir.id, limit: 5 })).find((s) => s.strategy === 'full')!;
  await page.screenshot({ path: 'test-results/screens/folders-scanning.png' });
  await card.getByRole('button', { name: 'Cancel scan' }).click();
  // the full rescan ends (cancelled, or finished just before the click); a watcher catch-up scan
  // may run after it, so the card's summary can take a little longer on a busy machine
  await expect
    .poll(async () => (await client.scans.history.query({ directoryId: dir.id, limit: 5 })).find((s) => s.id === full.id)?.status, { timeout: 30_000 })
    .toMatch(/cancelled|completed/);
  await expect(card.getByTestId('scan-summary')).toContainText(/Cancelled|Scanned/, { timeout: 60_000 });
});
