import { test, expect } from '../support/fixtures';
import { createMismoClient } from '../../server/trpc/client';

const PASSWORD = 'correct horse battery';
const TOKEN = 'e2e-token-0123456789abcdef';
test.use({ stackEnv: { MISMO_PASSWORD: PASSWORD, API_TOKEN: TOKEN } });

test('without a session or token, pages, API calls and the event stream give nothing', async ({ page, stack }) => {
  await page.goto('/library');
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/folders');
  await expect(page).toHaveURL(/\/login$/);

  const q = await fetch(`${stack.url}/api/trpc/directories.list`);
  expect(q.status).toBe(401);
  expect(JSON.stringify(await q.json())).not.toContain('counts');
  const m = await fetch(`${stack.url}/api/trpc/directories.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { path: '/tmp' } }),
  });
  expect(m.status).toBe(401);
  const sse = await fetch(`${stack.url}/api/trpc/events.onEvent`, { headers: { accept: 'text/event-stream' } });
  const body = await sse.text();
  expect(body).toContain('UNAUTHORIZED');
  expect(body).not.toMatch(/"type":"(job|library|worker)/);
  // a forged cookie does not help
  const forged = await fetch(`${stack.url}/api/trpc/system.status`, { headers: { cookie: 'mismo_session=v1.9999999999999.abc.def' } });
  expect(forged.status).toBe(401);
  // metrics and the user-data export sit behind the same auth; health stays open for monitors
  expect((await fetch(`${stack.url}/api/metrics`)).status).toBe(401);
  expect((await fetch(`${stack.url}/api/export/user-data`)).status).toBe(401);
  expect([200, 503]).toContain((await fetch(`${stack.url}/api/health`)).status);
});

test('signing in with the password opens the app; a wrong password is refused', async ({ page }) => {
  await page.goto('/library');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Wrong password')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/login.png' });
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/library$/);
  await expect(page.getByTestId('worker-status')).toHaveText('Worker online');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
});

test('other tools use the typed client with a bearer token', async ({ stack }) => {
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  expect(await client.directories.list.query()).toEqual([]);
  const metrics = await fetch(`${stack.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(metrics.status).toBe(200);
  expect(await metrics.text()).toContain('# TYPE mismo_jobs gauge');
  const anonymous = createMismoClient({ url: stack.url });
  await expect(anonymous.directories.list.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
});
