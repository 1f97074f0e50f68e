import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';

const total = (page: Page) => page.getByTestId('track-total');
const rows = (page: Page) => page.getByTestId('track-row');
const filters = (page: Page) => page.getByRole('complementary', { name: 'Filters' });

/** A scanned copy of the generated library behind this file's stack (scanned once, shared). */
async function scannedLibrary(stack: { url: string; tmp: string }) {
  const client = createMismoClient({ url: stack.url });
  const lib = await fixtureLibrary({ n: 40, seed: 11 });
  if (!(await client.directories.list.query()).length) {
    const root = path.join(stack.tmp, 'crate');
    fs.cpSync(lib.root, root, { recursive: true, verbatimSymlinks: true });
    const dir = await client.directories.create.mutate({ path: root, name: 'Crate' });
    await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 90_000 }).toBe('completed');
  }
  const all = await client.tracks.list.query({ limit: 1 });
  return { client, lib, count: all.total! };
}

test('search narrows the table as you type, forgives a typo and understands field syntax', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const { count, client } = await scannedLibrary(stack);
  await page.goto('/library');
  await expect(total(page)).toHaveText(`${count} tracks`);

  const search = page.getByRole('searchbox', { name: 'Search tracks' });
  await search.pressSequentially('form', { delay: 40 });
  const probes = (await client.tracks.list.query({ filters: { q: 'form' }, limit: 1 })).total!;
  expect(probes).toBeLessThan(count);
  await expect(total(page)).toHaveText(`${probes} tracks`);
  await search.pressSequentially('at probe fla', { delay: 40 });
  await expect(total(page)).toHaveText('1 track');
  await expect(rows(page).first()).toContainText('Format Probe flac');

  // a misspelling still finds it, and says what it searched for
  await search.fill('Frmat Prbe flac');
  await expect(page.getByTestId('did-you-mean')).toContainText('format probe flac', { ignoreCase: true });
  await expect(rows(page).first()).toContainText('Format Probe flac');

  // field syntax: every row has the asked-for BPM
  await search.fill('bpm:126 key:8A');
  await expect(total(page)).not.toHaveText(`${count} tracks`);
  const n = Number((await total(page).textContent())!.split(' ')[0]);
  expect(n).toBeGreaterThan(0);
  for (const r of await rows(page).all()) {
    await expect(r.getByRole('gridcell').nth(5)).toHaveText(/^126(\.\d)?$/);
  }
  await search.press('Escape');
  await expect(total(page)).toHaveText(`${count} tracks`);
});

test('a filter and a sort combine, and survive a reload', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const { client } = await scannedLibrary(stack);
  const lossless = (await client.tracks.list.query({ filters: { lossless: true }, limit: 1 })).total!;
  await page.goto('/library');
  await filters(page)
    .getByRole('button', { name: /^Lossless/ })
    .click();
  await expect(total(page)).toHaveText(`${lossless} tracks`);
  await page.getByRole('columnheader', { name: 'BPM' }).getByRole('button').click();
  await expect(page.getByRole('columnheader', { name: 'BPM' })).toHaveAttribute('aria-sort', 'ascending');

  const check = async () => {
    await expect(total(page)).toHaveText(`${lossless} tracks`);
    // the sorted rows replace the previous ones when they arrive: wait for them rather than read the old ones
    await expect(page.getByTestId('track-grid')).toHaveAttribute('aria-busy', 'false');
    const bpms = async () => (await page.locator('[data-testid=track-row] [role=gridcell]:nth-child(6)').allTextContents()).filter(Boolean).map(Number);
    await expect.poll(async () => (await bpms()).length).toBeGreaterThan(3);
    await expect
      .poll(async () => {
        const b = await bpms();
        return b.every((x, i) => i === 0 || b[i - 1]! <= x);
      })
      .toBe(true);
    const formats = await page.locator('[data-testid=track-row] [role=gridcell]:nth-child(11)').allTextContents();
    for (const f of formats) expect(f.toLowerCase()).toMatch(/^(flac|wav|aiff|m4a|wv)/);
  };
  await check();
  await expect(page.getByLabel('Active filters')).toContainText('Lossless');
  await page.reload();
  await check();
  await expect(page.getByRole('columnheader', { name: 'BPM' })).toHaveAttribute('aria-sort', 'ascending');
});

test('keyboard: arrows move, Enter opens the track, Space previews and the audio plays', async ({ page, stack }) => {
  test.setTimeout(180_000);
  await scannedLibrary(stack);
  await page.goto('/library');
  const grid = page.getByTestId('track-grid');
  await page.getByRole('searchbox', { name: 'Search tracks' }).fill('format probe');
  await expect(rows(page).first()).toContainText('Format Probe');
  await grid.focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(rows(page).nth(2)).toHaveAttribute('aria-selected', 'true');
  const title = (await rows(page).nth(2).getByRole('gridcell').nth(1).textContent())!;

  await page.keyboard.press('Space');
  const audio = page.getByTestId('preview-audio');
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.5);
  await expect(page.getByTestId('mini-player')).toContainText(title);

  await page.keyboard.press('Enter');
  const panel = page.getByTestId('track-panel');
  await expect(panel.getByTestId('track-title')).toHaveText(title);
  await expect(panel.getByRole('button', { name: 'Pause preview' })).toBeVisible();
  await page.keyboard.press('Space'); // the grid still has focus: Space pauses
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.paused)).toBe(true);
});

test('every format previews in the browser, seeking included (AIFF, ALAC and WavPack through ffmpeg)', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const { client } = await scannedLibrary(stack);
  const probes = (await client.tracks.list.query({ filters: { q: '"Format Probe"' }, limit: 50 })).items.filter((t) => !t.isBroken);
  expect(probes.length).toBeGreaterThanOrEqual(10);
  await page.goto('/library');
  for (const t of probes) {
    const played = await page.evaluate(async (id) => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid=preview-audio]')!;
      a.muted = true;
      a.src = `/api/tracks/${id}/preview`;
      await a.play();
      await new Promise((r) => setTimeout(r, 600));
      const target = a.duration / 2;
      a.currentTime = target;
      await new Promise((r) => setTimeout(r, 600));
      const at = a.currentTime;
      a.pause();
      return { at, target, duration: a.duration, error: a.error?.code ?? null };
    }, t.id);
    expect(played.error, t.relPath).toBeNull();
    expect(played.duration, t.relPath).toBeCloseTo(t.durationMs! / 1000, 0);
    expect(played.at, t.relPath).toBeGreaterThanOrEqual(played.target - 0.05);
  }
});

test('an edit is shown at once, can be undone, and persists after reload', async ({ page, stack }) => {
  test.setTimeout(180_000);
  await scannedLibrary(stack);
  await page.goto('/library');
  await page.getByRole('searchbox', { name: 'Search tracks' }).fill('format probe mp3');
  await expect(rows(page).first()).toContainText('Format Probe');
  await rows(page).first().dblclick();
  const panel = page.getByTestId('track-panel');
  const editor = panel.getByRole('form', { name: 'Edit tags' });

  // validation happens before anything is sent
  await editor.getByLabel('Year').fill('nineteen');
  await editor.getByLabel('Key').fill('H#');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor.getByRole('alert').first()).toBeVisible();
  await expect(editor).toContainText('must be a number');
  await expect(editor).toContainText('must be a key like 8A');

  await editor.getByLabel('Year').fill('1999');
  await editor.getByLabel('Key').fill('Am');
  await expect(editor).toContainText('8A · 1m · Am');
  await editor.getByLabel('Title').fill('Night Shift (Edit)');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(rows(page).filter({ hasText: 'Night Shift (Edit)' })).toHaveCount(1);
  await page.getByRole('status').filter({ hasText: 'Saved' }).getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Undone' })).toBeVisible();
  await expect(rows(page).filter({ hasText: 'Night Shift (Edit)' })).toHaveCount(0);
  await expect(editor.getByLabel('Year')).toHaveValue('2024');

  await editor.getByLabel('Title').fill('Night Shift (Final)');
  await editor.getByLabel('Year').fill('1999');
  await editor.getByLabel('Key').fill('Am');
  await editor.press('Control+Enter');
  await expect(rows(page).filter({ hasText: 'Night Shift (Final)' })).toHaveCount(1);
  await panel.getByRole('radio', { name: '4 stars' }).click();
  await page.reload();
  // the page is live (hydrated, first rows in) before typing, or the typing is lost
  await expect(total(page)).toHaveText(/^\d+ tracks?$/);
  await page.getByRole('searchbox', { name: 'Search tracks' }).fill('night shift final');
  await expect(total(page)).toHaveText('1 track');
  await rows(page).first().dblclick();
  await expect(panel.getByTestId('track-title')).toHaveText('Night Shift (Final)');
  await expect(panel.getByRole('radiogroup', { name: 'Rating 4 of 5' })).toBeVisible();
  await expect(editor.getByLabel('Year')).toHaveValue('1999');
  await expect(editor.getByLabel('Key')).toHaveValue('8A');
  await page.screenshot({ path: 'test-results/screens/library-track-panel.png' });

  await panel.getByRole('link', { name: 'Open track page' }).click();
  await expect(page.getByTestId('track-title')).toHaveText('Night Shift (Final)');
  await expect(page.getByRole('region', { name: 'File' })).toContainText('kbps');
  await page.screenshot({ path: 'test-results/screens/track-page.png', fullPage: true });
});

test('columns can be chosen and resized, and the choice is remembered', async ({ page, stack }) => {
  test.setTimeout(120_000);
  await scannedLibrary(stack);
  await page.goto('/library');
  await expect(rows(page).first()).toBeVisible();
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.getByRole('group', { name: 'Columns' }).getByLabel('Year').check();
  await page.getByRole('group', { name: 'Columns' }).getByLabel('Album', { exact: true }).uncheck();
  await page.keyboard.press('Escape');
  const header = page.getByRole('columnheader', { name: 'Artist' });
  const before = (await header.boundingBox())!.width;
  const handle = page.getByRole('separator', { name: 'Resize Artist' });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + 2, box.y + 5);
  await page.mouse.down();
  await page.mouse.move(box.x + 122, box.y + 5, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await header.boundingBox())!.width).toBeGreaterThan(before + 60);
  await page.reload();
  await expect(page.getByRole('columnheader', { name: 'Year' })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: 'Album', exact: true })).toHaveCount(0);
  expect((await header.boundingBox())!.width).toBeGreaterThan(before + 60);
});

test('the Folders view browses a library folder with counts and sizes', async ({ page, stack }) => {
  test.setTimeout(120_000);
  const { client } = await scannedLibrary(stack);
  const [dir] = await client.directories.list.query();
  const top = await client.directories.browse.query({ directoryId: dir!.id });
  const sub = top.folders.find((f) => f.tracks > 1)!;
  await page.goto('/folders');
  await page.getByRole('link', { name: 'Browse Crate' }).click();
  const list = page.getByRole('list', { name: 'Sub-folders' });
  await expect(list.getByRole('button', { name: new RegExp(sub.name) })).toContainText(`${sub.tracks} tracks`);
  await list
    .getByRole('button', { name: new RegExp(sub.name) })
    .first()
    .click();
  await expect(page.getByRole('navigation', { name: 'Folder path' })).toContainText(sub.name);
  const inner = await client.directories.browse.query({ directoryId: dir!.id, path: sub.path });
  await expect(page.getByTestId('folder-track')).toHaveCount(inner.tracks.length);
  await page.getByRole('link', { name: 'Show in library' }).click();
  await expect(total(page)).toHaveText(`${sub.tracks} tracks`);
});
