import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { startFakeEngine } from '../../server/testing/fake-audio-engine';
import { createMismoClient } from '../../server/trpc/client';

const ENGINE_PORT = 40_000 + Math.floor(Math.random() * 10_000);
test.use({ stackEnv: { AUDIO_SERVER_WS_URL: `ws://127.0.0.1:${ENGINE_PORT}`, AUDIO_SERVER_RECONNECT_DELAY: '200', AUDIO_SERVER_MAX_RECONNECT_DELAY: '1000' } });

// a ladder round the Camelot wheel and up in tempo and energy: the best set is this order
const LADDER = ['8A', '9A', '10A', '11A', '12A', '1A', '2A', '3A', '4A', '5A', '6A', '7A'];

test('Next up follows the deck; a playlist is arranged as a set and undone; a play gets a crowd reaction', async ({ page, stack }) => {
  test.setTimeout(180_000);
  const client = createMismoClient({ url: stack.url });
  const lib = await fixtureLibrary({ n: 12, seed: 21, edgeCases: false });
  const root = path.join(stack.tmp, 'crate');
  fs.cpSync(lib.root, root, { recursive: true });
  const dir = await client.directories.create.mutate({ path: root, name: 'Crate' });
  await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 90_000 }).toBe('completed');
  const { items } = await client.tracks.list.query({ limit: 100, sort: { field: 'title', dir: 'asc' } });
  const ladder = items.slice(0, 12);
  for (const [i, t] of ladder.entries()) await client.tracks.update.mutate({ id: t.id, bpm: 120 + i, key: LADDER[i]!, energyLevel: 1 + Math.floor(i / 2) });

  const engine = await startFakeEngine({ port: ENGINE_PORT, version: '2.1.0' });
  try {
    await page.goto('/booth');
    await expect.poll(() => engine.connected, { timeout: 20_000 }).toBe(true);
    // the DJ loads the first track: Next up shows what fits after it, the next step of the ladder first
    engine.event('trackLoaded', { deck: 'A', trackId: ladder[0]!.id, success: true });
    const panel = page.getByTestId('next-up');
    await expect(panel.getByTestId('next-up-source')).toContainText(ladder[0]!.title!, { timeout: 15_000 });
    await expect(panel.getByTestId('suggestion').first()).toHaveAttribute('data-track-id', ladder[1]!.id);
    await expect(panel.getByTestId('suggestion-reasons').first()).toContainText('8A → 9A');
    // the next deck load moves it on within a second or two, without a reload; energy asked to rise
    await panel.getByRole('tab', { name: '↑' }).click();
    engine.event('trackLoaded', { deck: 'B', trackId: ladder[5]!.id, success: true });
    await expect(panel.getByTestId('next-up-source')).toContainText(ladder[5]!.title!, { timeout: 15_000 });
    await expect(panel.getByTestId('suggestion').first()).toHaveAttribute('data-track-id', ladder[6]!.id);
    // tracks played this session are not suggested again
    await expect(panel.locator(`[data-track-id="${ladder[0]!.id}"]`)).toHaveCount(0);
    // the crowd loved what is on deck B: marked from the booth
    await page.getByTestId('booth-deck').filter({ hasText: 'Deck B' }).getByRole('button', { name: 'Went well' }).click();
    await expect
      .poll(async () => {
        const live = (await client.playlists.sessions.query())[0]!;
        return (await client.playlists.entries.query({ id: live.id })).find((e) => e.track?.id === ladder[5]!.id)?.reaction;
      })
      .toBe('good');
    // how to mix it in, in words
    await panel.getByRole('button', { name: 'How to mix it in' }).first().click();
    await expect(panel).toContainText(/pitch “.*” [-+]\d/);
  } finally {
    await engine.close();
  }

  // a 12-track playlist in a shuffled order, arranged as a warm-up from its lowest track
  const p = await client.playlists.create.mutate({ name: 'Crate set', type: 'static' });
  const shuffled = [7, 2, 11, 0, 5, 9, 1, 10, 3, 8, 4, 6].map((i) => ladder[i]!.id);
  await client.playlists.addTracks.mutate({ id: p.id, trackIds: shuffled });
  await page.goto(`/playlists/${p.id}`);
  await expect(page.getByTestId('mix-mark').first()).toBeVisible();
  await page.getByRole('button', { name: 'Arrange as a set…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Arrange as a set' });
  await dialog.getByLabel('Start with').selectOption({ label: ladder[0]!.title! });
  await expect(dialog.getByTestId('arrange-summary')).toContainText('smoother than the order now');
  await dialog.getByRole('button', { name: 'Apply this order' }).click();
  const order = async () => (await client.playlists.entries.query({ id: p.id })).map((e) => e.track?.id);
  await expect.poll(order).toEqual(ladder.map((t) => t.id));
  await expect(page.getByTestId('mix-mark').first()).toHaveAttribute('data-mark', 'good');
  await page.getByRole('status').filter({ hasText: 'Arranged as a set' }).getByRole('button', { name: 'Undo' }).click();
  await expect.poll(order).toEqual(shuffled);

  // the session the deck loads started: mark how the first play went
  const session = (await client.playlists.sessions.query())[0]!;
  await page.goto(`/playlists/${session.id}`);
  await page.getByTestId('track-row').first().click();
  await page.getByRole('button', { name: 'Filled the floor' }).click();
  await expect.poll(async () => (await client.playlists.entries.query({ id: session.id }))[0]!.reaction).toBe('filler');
  await expect(page.getByTestId('track-row').first().getByRole('img', { name: 'Filled the floor' })).toBeVisible();
});
