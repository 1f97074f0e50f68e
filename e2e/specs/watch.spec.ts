import fs from 'node:fs';
import path from 'node:path';
import { test, expect, scanCrate } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';

test('files dropped into a folder appear live; an unplugged folder goes offline with its tracks and comes back', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const client = createMismoClient({ url: stack.url });
  await client.settings.update.mutate({ values: { 'library.mediaCheckSeconds': 1 } });
  const lib = await fixtureLibrary({ n: 12, seed: 5, edgeCases: false });
  const root = path.join(stack.tmp, 'USB Stick');
  fs.cpSync(lib.root, root, { recursive: true });
  const dir = await client.directories.create.mutate({ path: root, name: 'USB Stick' });
  await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 60_000 }).toBe('completed');
  const count = (await client.tracks.list.query({ limit: 1 })).total!;

  await page.goto('/folders');
  const card = page.getByTestId('folder-card').filter({ hasText: 'USB Stick' });
  await expect(card.getByTestId('watch-state')).toHaveText('Watching', { timeout: 15_000 });

  // a file copied in shows up in the open library page, no rescan clicked
  await page.goto('/library');
  await expect(page.getByTestId('track-total')).toHaveText(`${count} tracks`);
  const src = lib.truth.tracks.find((x) => x.path.endsWith('.mp3') && x.tags?.title && !x.path.startsWith('_Formats'))!;
  fs.mkdirSync(path.join(root, 'Just Bought'));
  fs.copyFileSync(path.join(root, src.path), path.join(root, 'Just Bought', 'fresh from the shop.mp3'));
  await expect(page.getByTestId('track-total')).toHaveText(`${count + 1} tracks`, { timeout: 20_000 });

  // unplugged: offline, every track kept as missing with the reason
  fs.renameSync(root, `${root} (unplugged)`);
  await page.goto('/folders');
  await expect(card.getByTestId('folder-status')).toContainText('Offline', { timeout: 15_000 });
  await expect(card).toContainText('tracks are kept');
  await page.screenshot({ path: 'test-results/screens/folders-offline.png' });
  await page.goto(`/library?f=${encodeURIComponent(JSON.stringify({ missing: true }))}`);
  await expect(page.getByTestId('track-total')).toHaveText(`${count + 1} tracks`);
  await expect(page.getByTestId('missing-bar')).toBeVisible();
  await expect(page.getByTestId('track-row').first()).toContainText('drive offline');
  await page.screenshot({ path: 'test-results/screens/library-missing.png' });

  // plugged back in: online, nothing missing, all tracks there
  fs.renameSync(`${root} (unplugged)`, root);
  await expect(page.getByTestId('track-total')).toHaveText('0 tracks', { timeout: 15_000 });
  await expect(page.getByText('No tracks match these filters')).toBeVisible();
  expect((await client.tracks.list.query({ limit: 1 })).total).toBe(count + 1);
  expect((await client.tracks.list.query({ filters: { missing: true }, limit: 1 })).total).toBe(0);
  await page.goto('/folders');
  await expect(card.getByTestId('folder-status')).toHaveText('Online');
  await expect(card.getByTestId('watch-state')).toHaveText('Watching', { timeout: 15_000 });
});

test('missing tracks can be found again and cleaned up from the library page', async ({ page, stack }) => {
  test.setTimeout(180_000);
  // a folder of its own (not the one the previous test unplugged), watched before anything moves
  const lib = await fixtureLibrary({ n: 8, seed: 9, edgeCases: false });
  const { client, dir, root } = await scanCrate(stack, lib.root);
  await expect.poll(async () => (await client.directories.list.query()).find((d) => d.id === dir.id)!.watchState, { timeout: 20_000 }).toBe('watching');
  // two files vanish while the worker watches: they become missing (deleted)
  const victims = (await client.tracks.list.query({ filters: { directoryId: dir.id, formats: ['mp3'], missing: false, duplicate: false }, limit: 2 })).items;
  fs.mkdirSync(path.join(stack.tmp, 'outside'), { recursive: true });
  for (const v of victims) fs.renameSync(path.join(root, v.relPath), path.join(stack.tmp, 'outside', v.fileName));
  await expect.poll(async () => (await client.tracks.list.query({ filters: { missing: true }, limit: 1 })).total, { timeout: 20_000 }).toBe(2);

  // one comes back into a folder inside the library the worker is not told about: Find locates it by its audio
  await client.settings.update.mutate({ values: { 'library.watchDirectories': false } });
  await expect.poll(async () => (await client.directories.list.query()).find((d) => d.id === dir.id)!.watchState, { timeout: 20_000 }).toBe('off');
  fs.mkdirSync(path.join(root, 'Recovered'));
  fs.renameSync(path.join(stack.tmp, 'outside', victims[0]!.fileName), path.join(root, 'Recovered', 'found again.mp3'));

  await page.goto(`/library?f=${encodeURIComponent(JSON.stringify({ missing: true }))}`);
  await expect(page.getByTestId('track-total')).toHaveText('2 tracks');
  await page.getByRole('button', { name: 'Find them…' }).click();
  const find = page.getByRole('dialog', { name: 'Find missing tracks' });
  await find.getByLabel(/Also search these folders/).fill(path.join(root, 'Recovered'));
  await find.getByRole('button', { name: 'Add' }).click();
  await find.getByRole('button', { name: 'Search' }).click();
  await expect(find.getByTestId('relocate-result')).toContainText('1 found and re-attached', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screens/relocate.png' });
  await find.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('track-total')).toHaveText('1 track', { timeout: 15_000 });
  const back = await client.tracks.byId.query({ id: victims[0]!.id });
  expect(back).toMatchObject({ relPath: 'Recovered/found again.mp3', isMissing: false });

  // the other one is cleaned up (0 days), then put back with Undo
  const stillMissing = await client.tracks.list.query({ filters: { missing: true }, limit: 5 });
  expect(
    await client.missing.cleanupPreview.query({ olderThanDays: 0 }),
    JSON.stringify(stillMissing.items.map((x) => [x.relPath, x.missingReason, x.missingSince, Date.now()])),
  ).toMatchObject({ count: 1 });
  await page.getByRole('button', { name: 'Clean up…' }).click();
  const clean = page.getByRole('dialog', { name: 'Clean up missing tracks' });
  await clean.getByLabel('Days missing').fill('0');
  await expect(clean.getByLabel('Days missing')).toHaveValue('0');
  await expect(clean.getByTestId('cleanup-preview')).toContainText('1 track would be removed');
  await page.screenshot({ path: 'test-results/screens/cleanup.png' });
  await clean.getByRole('button', { name: 'Remove 1 track' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Removed 1 missing track' })).toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => (await client.tracks.list.query({ limit: 1 })).total).toBeGreaterThan(0);
  await expect(client.tracks.byId.query({ id: victims[1]!.id })).rejects.toThrow(/not found/i);
  await page.getByRole('status').filter({ hasText: 'Removed 1 missing track' }).getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await client.tracks.byId.query({ id: victims[1]!.id }).catch(() => null))?.isMissing).toBe(true);
});
