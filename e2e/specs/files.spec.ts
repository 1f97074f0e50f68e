import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';

/** A scanned library in which the first FLAC has a second copy in "Old USB" (shared by this file's tests). */
async function library(stack: { url: string; tmp: string }) {
  const client = createMismoClient({ url: stack.url });
  const root = path.join(stack.tmp, 'Music');
  if (!(await client.directories.list.query()).length) {
    const lib = await fixtureLibrary({ n: 12, seed: 5, edgeCases: false });
    fs.cpSync(lib.root, root, { recursive: true });
    const flac = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.flac')).sort()[0]!;
    fs.mkdirSync(path.join(root, 'Old USB'));
    fs.copyFileSync(path.join(root, flac), path.join(root, 'Old USB', path.basename(flac)));
    const dir = await client.directories.create.mutate({ path: root, name: 'Music' });
    await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 60_000 }).toBe('completed');
  }
  return { client, root };
}

test('a duplicate group is resolved into the trash from the Duplicates page, then undone', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const { client, root } = await library(stack);
  const groups = await client.duplicates.list.query({});
  const group = groups.items.find((g) => g.members.some((m) => m.relPath.startsWith('Old USB/')))!;
  const copy = group.members.find((m) => m.relPath.startsWith('Old USB/'))!;
  const original = group.members.find((m) => m !== copy)!;
  const rating = await client.tracks.update.mutate({ id: copy.id, rating: 4 });
  expect(rating.rating).toBe(4);

  await page.goto('/duplicates');
  const card = page.getByTestId('duplicate-group').filter({ hasText: 'Old USB' });
  await expect(card).toBeVisible();
  // keep the copy in the main folders; the one on the old USB stick goes to the trash
  await card.getByRole('radio', { name: `Keep ${original.relPath}` }).check();
  await card.getByRole('radio', { name: 'Move others to trash' }).click();
  await card.getByRole('button', { name: 'Show what will happen' }).click();
  const plan = card.getByTestId('resolution-plan');
  await expect(plan).toContainText(`Keep "${path.join(root, original.relPath)}"`);
  await expect(plan).toContainText('Rating 0 → 4');
  await expect(plan).toContainText(`Move to the trash: "${path.join(root, copy.relPath)}"`);
  await page.screenshot({ path: 'test-results/screens/duplicates.png', fullPage: true });
  await card.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByText('Resolved: one copy left in the library.')).toBeVisible();
  await expect(card).toHaveCount(0);
  await expect.poll(() => fs.existsSync(path.join(root, copy.relPath)), { timeout: 15_000 }).toBe(false);
  expect((await client.tracks.byId.query({ id: original.id })).rating).toBe(4);

  await page.goto('/trash');
  await expect(page.getByTestId('trash-row')).toHaveCount(1);
  await expect(page.getByTestId('trash-row')).toContainText('duplicate copy');
  await page.screenshot({ path: 'test-results/screens/trash.png' });

  await page.goto('/duplicates');
  await page.getByRole('tab', { name: 'Resolved' }).click();
  await page.getByTestId('resolutions').getByRole('button', { name: 'Undo' }).first().click();
  await expect(page.getByText('Undone: every copy is back')).toBeVisible();
  await expect.poll(() => fs.existsSync(path.join(root, copy.relPath)), { timeout: 15_000 }).toBe(true);
  await page.getByRole('tab', { name: 'To resolve' }).click();
  await expect(page.getByTestId('duplicate-group').filter({ hasText: 'Old USB' })).toBeVisible();
  expect((await client.tracks.byId.query({ id: copy.id })).rating).toBe(4);
  expect((await client.tracks.byId.query({ id: original.id })).rating).toBe(0);
});

test('from the library: rename with F2, move with the context menu, delete to trash and restore', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const { client, root } = await library(stack);
  const t = (await client.tracks.list.query({ filters: { formats: ['mp3'], duplicate: false }, sort: { field: 'title', dir: 'asc' }, limit: 1 })).items[0]!;
  await page.goto(`/library?q=${encodeURIComponent(t.title!)}`);
  const row = page.getByTestId('track-row').filter({ hasText: t.title! }).first();
  await row.click();

  // F2 renames the file; the extension stays
  await page.keyboard.press('F2');
  const rename = page.getByRole('dialog', { name: 'Rename file' });
  await rename.getByLabel('New file name').fill('Opener (edit)');
  await expect(rename.getByTestId('plan-to')).toContainText('Opener (edit).mp3');
  await rename.getByRole('button', { name: 'Rename' }).click();
  const renamed = path.join(root, path.dirname(t.relPath), 'Opener (edit).mp3');
  await expect.poll(() => fs.existsSync(renamed), { timeout: 15_000 }).toBe(true);
  await expect.poll(async () => (await client.tracks.byId.query({ id: t.id })).fileName).toBe('Opener (edit).mp3');

  // right-click → Move to… a new folder, with a preview of where it goes
  await row.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Move to…' }).click();
  const move = page.getByRole('dialog', { name: /Move 1 file to/ });
  await move.getByLabel('Folder path').fill(path.join(root, 'Warm-up'));
  await expect(move.getByTestId('plan-to')).toContainText(path.join(root, 'Warm-up', 'Opener (edit).mp3'));
  await page.screenshot({ path: 'test-results/screens/move-dialog.png' });
  await move.getByRole('button', { name: 'Move' }).click();
  await expect.poll(async () => (await client.tracks.byId.query({ id: t.id })).relPath, { timeout: 15_000 }).toBe(path.join('Warm-up', 'Opener (edit).mp3'));
  expect(fs.existsSync(renamed)).toBe(false);

  // delete to the trash, then restore it from the Trash page: same track, same place
  await row.click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Delete file…' }).click();
  const del = page.getByRole('dialog', { name: 'Delete 1 file?' });
  await expect(del.getByTestId('file-plan')).toContainText('.mismo-trash');
  await del.getByRole('button', { name: 'Move to trash' }).click();
  await expect.poll(() => fs.existsSync(path.join(root, 'Warm-up', 'Opener (edit).mp3')), { timeout: 15_000 }).toBe(false);
  await page.goto('/trash');
  const item = page.getByTestId('trash-row').filter({ hasText: t.title! });
  await item.click();
  await page.getByRole('button', { name: /^Restore/ }).click();
  await expect(item).toHaveCount(0, { timeout: 15_000 });
  await expect.poll(() => fs.existsSync(path.join(root, 'Warm-up', 'Opener (edit).mp3'))).toBe(true);
  expect((await client.tracks.byId.query({ id: t.id })).relPath).toBe(path.join('Warm-up', 'Opener (edit).mp3'));
});
