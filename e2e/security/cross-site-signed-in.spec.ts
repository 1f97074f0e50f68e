import { test, expect } from '../support/fixtures';
import { attackFrom } from './cross-site';
import { fingerprint } from './support';

const PASSWORD = 'correct horse battery';
test.use({ stackEnv: { MISMO_PASSWORD: PASSWORD } });

test('signed in: a page on another origin cannot change anything or sign the victim out', async ({ page, stack }) => {
  await page.goto('/library');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/library$/);
  const before = fingerprint(stack, []);
  const { served } = await attackFrom(page, stack.url);
  expect(served).toContain('/done');
  expect(fingerprint(stack, [])).toEqual(before);
  // still signed in: the forced logout did not happen
  await page.goto('/system');
  await expect(page).toHaveURL(/\/system$/);
  await expect(page.getByTestId('access')).toContainText('this browser');
  await page.screenshot({ path: 'test-results/screens/system-access.png', fullPage: true });
});
