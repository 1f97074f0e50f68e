import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { test, expect } from '../support/fixtures';

const root = path.resolve(import.meta.dirname, '../..');

test('a 100,000-track library opens, jumps to the end and scrolls anywhere with rows rendered', async ({ page, stack }) => {
  test.setTimeout(240_000);
  execFileSync(process.execPath, ['--import', 'tsx', 'server/cli/seed.ts', '--tracks', '100000'], { cwd: root, env: stack.env as NodeJS.ProcessEnv, stdio: 'inherit' });

  await page.goto('/library');
  await expect(page.getByTestId('track-total')).toHaveText('100,000 tracks');
  const grid = page.getByTestId('track-grid');
  await expect(grid).toHaveAttribute('aria-rowcount', '100001');
  // only what is on screen is in the page
  expect(await page.getByTestId('track-row').count()).toBeLessThan(80);

  // End jumps to the last track: it renders with its data (not a placeholder)
  await grid.focus();
  await page.keyboard.press('End');
  const last = page.locator('[role=row][aria-rowindex="100001"]');
  await expect(last).toHaveAttribute('data-testid', 'track-row');
  await expect(last).toHaveAttribute('aria-selected', 'true');
  await expect(last.getByRole('gridcell').nth(1)).not.toBeEmpty();

  // a drag of the scrollbar to the middle: the rows there fill in
  await grid.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
  const middle = page.locator('[role=row][aria-rowindex="50001"]');
  await expect(middle).toHaveAttribute('data-testid', 'track-row');
  await expect(middle.getByRole('gridcell').nth(1)).not.toBeEmpty();

  // sorting 100k rows by BPM and jumping to the end: the tracks without a BPM come last
  await page.getByRole('columnheader', { name: 'BPM' }).getByRole('button').click();
  await grid.focus();
  await page.keyboard.press('Home');
  await expect(page.locator('[role=row][aria-rowindex="2"]')).toHaveAttribute('data-testid', 'track-row');
  const firstBpm = Number(await page.locator('[role=row][aria-rowindex="2"] [role=gridcell]:nth-child(6)').textContent());
  expect(firstBpm).toBeGreaterThan(60);
  await page.keyboard.press('End');
  await expect(page.locator('[role=row][aria-rowindex="100001"]')).toHaveAttribute('data-testid', 'track-row');
  await expect(page.locator('[role=row][aria-rowindex="100001"] [role=gridcell]:nth-child(6)')).toHaveText('');

  // a search over 100k narrows at once
  await page.getByRole('searchbox', { name: 'Search tracks' }).fill('lumière cascade');
  await expect(page.getByTestId('track-total')).not.toHaveText('100,000 tracks');
  await expect(page.getByTestId('track-row').first()).toContainText(/Lumière|Cascade/);
  await page.getByRole('searchbox', { name: 'Search tracks' }).fill('');
  await expect(page.getByTestId('track-total')).toHaveText('100,000 tracks');
  // a new view starts at the top
  await expect(page.locator('[role=row][aria-rowindex="2"]')).toHaveAttribute('data-testid', 'track-row');
  await page.screenshot({ path: 'test-results/screens/library-100k.png' });
});
