import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';

const rows = (page: Page) => page.getByTestId('track-row');
const titles = async (page: Page) => (await rows(page).locator('[role="gridcell"]:nth-child(3)').allTextContents()).map((s) => s.trim());

/** A scanned copy of the generated library behind this file's stack (scanned once, shared). */
async function scannedLibrary(stack: { url: string; tmp: string }) {
  const client = createMismoClient({ url: stack.url });
  if (!(await client.directories.list.query()).length) {
    const lib = await fixtureLibrary({ n: 24, seed: 5 });
    const root = path.join(stack.tmp, 'crate');
    fs.cpSync(lib.root, root, { recursive: true, verbatimSymlinks: true });
    const dir = await client.directories.create.mutate({ path: root, name: 'Crate' });
    await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 90_000 }).toBe('completed');
  }
  return client;
}

test('drag tracks from the library into a playlist, reorder them by drag and drop and by keyboard, and annotate one', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const client = await scannedLibrary(stack);
  const warmup = await client.playlists.create.mutate({ name: 'Warm-up', type: 'static', color: '#f59e0b' });
  await page.goto('/library');
  const grid = page.getByTestId('track-grid');
  await expect(rows(page).first()).toBeVisible();
  const target = page.getByTestId('playlist-tree').locator(`[data-playlist-id="${warmup.id}"]`);

  // one row, then a shift-selected pair, dragged onto the playlist in the sidebar
  const first = rows(page).nth(0);
  const ids = await rows(page).evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('data-track-id')!));
  await first.dragTo(target);
  await expect(page.getByRole('status').filter({ hasText: 'Added 1 track to “Warm-up”' })).toBeVisible();
  await rows(page).nth(1).click();
  await rows(page)
    .nth(2)
    .click({ modifiers: ['Shift'] });
  await rows(page).nth(2).dragTo(target);
  await expect(page.getByRole('status').filter({ hasText: 'Added 2 tracks to “Warm-up”' })).toBeVisible();
  await expect(target).toContainText('3');

  // T puts the cursor's track in the thinking playlist
  await rows(page).nth(4).click();
  await grid.press('t');
  await expect(page.getByRole('status').filter({ hasText: 'Added 1 track to Thinking' })).toBeVisible();

  await target.click();
  await expect(page).toHaveURL(new RegExp(`/playlists/${warmup.id}$`));
  await expect(rows(page)).toHaveCount(3);
  const order = async () => (await client.playlists.entries.query({ id: warmup.id })).map((e) => e.track?.id);
  expect(await order()).toEqual(ids);
  const names = await titles(page);

  // the third row dragged above the first
  await rows(page)
    .nth(2)
    .dragTo(rows(page).nth(0), { targetPosition: { x: 60, y: 3 } });
  await expect.poll(order).toEqual([ids[2], ids[0], ids[1]]);
  await expect.poll(() => titles(page)).toEqual([names[2], names[0], names[1]]);

  // Alt+↓ moves the selected row down one place
  await rows(page).nth(0).click();
  await grid.press('Alt+ArrowDown');
  await expect.poll(order).toEqual([ids[0], ids[2], ids[1]]);

  // notes and cue in for this entry, from the entry panel
  await rows(page).nth(0).click();
  const panel = page.getByTestId('entry-panel');
  await panel.getByLabel('Notes in this playlist').fill('Open with this, long intro');
  await panel.getByLabel('Cue in').fill('0:32');
  await panel.getByLabel('Cue in').blur();
  await expect.poll(async () => (await client.playlists.entries.query({ id: warmup.id }))[0]).toMatchObject({ notes: 'Open with this, long intro', cueInSec: 32 });
  await expect(rows(page).nth(0)).toContainText('Open with this, long intro');
  await expect(page.getByTestId('playlist-stats')).toContainText('3 tracks');
  await grid.focus();
  await page.screenshot({ path: 'test-results/screens/playlist-view.png' });

  // Delete takes the selected entry out of the playlist (the track stays in the library)
  await rows(page).nth(2).click();
  await grid.press('Delete');
  await expect(rows(page)).toHaveCount(2);
  expect(await order()).toEqual([ids[0], ids[2]]);

  // into a folder from the colour/icon/folder picker: the sidebar nests it there
  const gigs = await client.playlists.create.mutate({ name: 'Gigs', type: 'folder' });
  await page.getByRole('button', { name: 'Colour, icon and folder' }).click();
  await page.getByLabel('Folder', { exact: true }).selectOption(gigs.id);
  await expect.poll(async () => (await client.playlists.byId.query({ id: warmup.id })).parentId).toBe(gigs.id);
  await expect(page.getByTestId('playlist-tree').getByRole('treeitem', { name: /Gigs/ }).getByRole('group')).toContainText('Warm-up');
});

test('build a nested smart playlist: the preview and the explain sentence follow every edit', async ({ page, stack }) => {
  test.setTimeout(120_000);
  const client = await scannedLibrary(stack);
  await page.goto('/playlists?new=smart');
  const editor = page.getByTestId('rule-editor');
  await page.getByLabel('Smart playlist name').fill('House or Techno, 120–130');
  await page.getByRole('button', { name: 'Start empty' }).click();
  await expect(editor.getByTestId('rule-condition')).toHaveCount(1);

  // top level: BPM between 120 and 130
  const top = editor.getByTestId('rule-condition').first();
  await top.getByLabel('Field').selectOption('bpm');
  await top.getByLabel('Operator').selectOption('between');
  await top.getByLabel('From', { exact: true }).fill('120');
  await top.getByLabel('To', { exact: true }).fill('130');
  // and a nested group: genre is House or genre is Techno
  await editor.getByRole('button', { name: 'Group', exact: true }).first().click();
  const group = editor.getByTestId('rule-group').nth(1);
  await expect(group.getByLabel('Match')).toHaveValue('any');
  const g1 = group.getByTestId('rule-condition').first();
  await g1.getByLabel('Operator').selectOption('is');
  await g1.getByLabel('Value', { exact: true }).fill('House');
  await group.getByRole('button', { name: 'Condition', exact: true }).click();
  const g2 = group.getByTestId('rule-condition').nth(1);
  await g2.getByLabel('Operator').selectOption('is');
  await g2.getByLabel('Value', { exact: true }).fill('Techno');

  const explain = page.getByTestId('smart-explain');
  await expect(explain).toHaveText('Tracks where BPM is between 120 and 130 and (genre is “House” or genre is “Techno”)');
  const def = {
    rules: {
      all: [
        { field: 'bpm', op: 'between', value: [120, 130] },
        {
          any: [
            { field: 'genre', op: 'is', value: 'House' },
            { field: 'genre', op: 'is', value: 'Techno' },
          ],
        },
      ],
    },
  } as const;
  const expected = await client.playlists.smartPreview.query(def);
  expect(expected.count).toBeGreaterThan(0);
  await expect(page.getByTestId('smart-count')).toHaveText(`${expected.count} ${expected.count === 1 ? 'track matches' : 'tracks match'}`);
  await expect(page.getByTestId('preview-track')).toHaveCount(Math.min(12, expected.count));

  // negating the group changes the count and the sentence at once
  await group.getByLabel('Match').selectOption('none');
  await expect(explain).toContainText('not (genre is “House” or genre is “Techno”)');
  const negated = await client.playlists.smartPreview.query({ rules: { all: [def.rules.all[0], { not: def.rules.all[1] }] } });
  await expect(page.getByTestId('smart-count')).toHaveText(new RegExp(`^${negated.count} `));
  await group.getByLabel('Match').selectOption('any');
  await expect(explain).toHaveText('Tracks where BPM is between 120 and 130 and (genre is “House” or genre is “Techno”)');
  await page.screenshot({ path: 'test-results/screens/smart-editor.png', fullPage: true });

  await page.getByRole('button', { name: 'Create smart playlist' }).click();
  await expect(page).toHaveURL(/\/playlists\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('playlist-explain')).toContainText('(genre is “House” or genre is “Techno”)');
  await expect(rows(page)).toHaveCount(expected.count);
  await expect(page.getByTestId('playlist-tree')).toContainText('House or Techno, 120–130');
});
