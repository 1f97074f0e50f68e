import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import { createMismoClient } from '../../server/trpc/client';

test('a new user adds a music folder from the UI and sees it listed with its live status', async ({ page, stack }) => {
  const music = path.join(stack.tmp, 'My Music');
  fs.mkdirSync(path.join(music, 'House'), { recursive: true });

  await page.goto('/');
  await expect(page).toHaveURL(/\/library$/);
  await expect(page.getByRole('heading', { name: 'Start by adding a music folder' })).toBeVisible();
  await expect(page.getByTestId('worker-status')).toHaveText('Worker online');
  await page.screenshot({ path: 'test-results/screens/library-empty.png' });

  await page.getByRole('link', { name: 'Add a folder' }).click();
  await expect(page).toHaveURL(/\/folders$/);
  await page.getByRole('button', { name: 'Add folder' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a music folder' });
  // browse the server's folders: type the parent, then pick the folder from the list
  await dialog.getByLabel('Folder path').fill(stack.tmp);
  await dialog.getByLabel('Folder path').press('Enter');
  await dialog.getByRole('option', { name: 'My Music' }).click();
  await expect(dialog.getByLabel('Folder path')).toHaveValue(music);
  await page.screenshot({ path: 'test-results/screens/folders-add.png' });
  await dialog.getByRole('button', { name: 'Add folder' }).click();

  const card = page.getByRole('region', { name: 'Folder My Music' }).or(page.getByTestId('folder-card').filter({ hasText: 'My Music' }));
  await expect(card).toBeVisible();
  await expect(card.getByTestId('folder-status')).toHaveText('Online');
  await expect(card).toContainText(fs.realpathSync(music));
  await page.screenshot({ path: 'test-results/screens/folders.png' });

  // the availability check ran as a worker job and shows up in Activity
  await page.getByRole('link', { name: 'Activity' }).click();
  await expect(page.getByTestId('job-row').filter({ hasText: 'Check folder availability' }).first()).toContainText('succeeded');
  await page.screenshot({ path: 'test-results/screens/activity.png' });

  // the folder going away is noticed by a check and shown live
  fs.renameSync(music, music + ' (unplugged)');
  await page.getByRole('link', { name: 'Folders' }).click();
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.getByTestId('folder-status')).toContainText('Offline');
  fs.renameSync(music + ' (unplugged)', music);
  await card.getByRole('button', { name: 'Check' }).click();
  await expect(card.getByTestId('folder-status')).toHaveText('Online');
});

test('adding a folder that does not exist shows a clear error and adds nothing', async ({ page, stack }) => {
  await page.goto('/folders');
  await page.getByRole('button', { name: 'Add folder' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Add a music folder' });
  await dialog.getByLabel('Folder path').fill(path.join(stack.tmp, 'nowhere'));
  await dialog.getByRole('button', { name: 'Add folder' }).click();
  await expect(dialog.getByRole('alert')).toContainText('does not exist');
});

test('settings are validated and persist', async ({ page, stack }) => {
  await page.goto('/settings');
  const input = page.getByLabel('Concurrent scans');
  await input.fill('12');
  await input.press('Enter');
  // the server's refusal, told once by the one mutation error handler (app/_trpc/mutation-errors.tsx)
  await expect(page.getByRole('alert').filter({ hasText: 'Concurrent scans' })).toContainText('at most 8');
  await expect(page.getByRole('alert').filter({ hasText: 'Concurrent scans' })).toHaveCount(1);
  await input.fill('3');
  await input.press('Enter');
  const client = createMismoClient({ url: stack.url });
  await expect.poll(async () => (await client.settings.get.query({ key: 'library.maxConcurrentScans' })).value).toBe(3);
  await page.reload();
  await expect(page.getByLabel('Concurrent scans')).toHaveValue('3');
  await page.getByRole('switch', { name: 'Watch folders' }).click();
  await expect.poll(async () => (await client.settings.get.query({ key: 'library.watchDirectories' })).value).toBe(false);
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Watch folders' })).toHaveAttribute('aria-checked', 'false');
  await page.screenshot({ path: 'test-results/screens/settings.png' });
});
