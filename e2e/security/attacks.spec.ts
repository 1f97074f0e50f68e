import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test, expect } from '../support/fixtures';
import type { Stack } from '../support/stack';
import { fixtureLibrary } from '../../server/testing/library/generate';
import { createMismoClient } from '../../server/trpc/client';
import { procedurePaths } from '../../server/trpc/test-caller';
import { fingerprint, healthMs, mutation, raw } from './support';

/**
 * The security suite: the real web and worker on loopback, with a password and a token, and a
 * real library. Every attack is replayed as an attacker on the same machine would send it; each is
 * refused with the right status and changes nothing on disk or in the database.
 */
const PASSWORD = 'correct horse battery';
const TOKEN = 'sec-token-0123456789abcdef';
test.use({ stackEnv: { MISMO_PASSWORD: PASSWORD, API_TOKEN: TOKEN } });
test.describe.configure({ mode: 'serial' });

interface World {
  root: string;
  cookie: string;
  trackId: string;
  aiffId: string;
  folders: string[];
}
let world: World | undefined;

/** A scanned library with a duplicate (so "resolve all" has work) and a missing file (so "clean up" has work), and a signed-in victim. */
async function setup(stack: Stack): Promise<World> {
  if (world) return world;
  // generating the library, a scan and the watcher's catch-up, on a loaded machine
  test.setTimeout(180_000);
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  const root = path.join(stack.tmp, 'Music');
  const lib = await fixtureLibrary({ n: 12, seed: 5, edgeCases: false });
  fs.cpSync(lib.root, root, { recursive: true });
  const files = (fs.readdirSync(root, { recursive: true }) as string[]).sort();
  const flac = files.find((f) => f.endsWith('.flac'))!;
  fs.mkdirSync(path.join(root, 'Old USB'));
  fs.copyFileSync(path.join(root, flac), path.join(root, 'Old USB', path.basename(flac)));
  const dir = await client.directories.create.mutate({ path: root, name: 'Music', followSymlinks: true });
  await expect.poll(async () => (await client.scans.status.query({ directoryId: dir.id }))?.status, { timeout: 90_000 }).toBe('completed');
  // The fingerprints need a library at rest: the folder's watcher comes up after the first scan and
  // catches up with a change scan of its own, and a scan row says "completed" a moment before its
  // job does. So: watching, then no scan job queued or running.
  await expect.poll(async () => (await client.directories.list.query()).find((d) => d.id === dir.id)?.watchState, { timeout: 60_000 }).toBe('watching');
  await expect.poll(async () => (await client.jobs.list.query({ view: 'active', kind: 'library.scan' })).items.length, { timeout: 60_000 }).toBe(0);
  const page = await client.tracks.list.query({ limit: 200 });
  const mp3 = page.items.find((t) => t.fileName.endsWith('.mp3'))!;
  const aiff = page.items.find((t) => /\.aiff?$/.test(t.fileName))!;
  const login = await fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: stack.url },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  world = { root, cookie, trackId: mp3.id, aiffId: aiff.id, folders: [root] };
  return world;
}

const DANGEROUS: [string, unknown][] = [
  ['duplicates.resolveAll', { fileAction: 'trash' }],
  ['missing.cleanup', { olderThanDays: 0 }],
  ['system.backupNow', {}],
];

test('cross-site requests change nothing: form posts, another origin, another port, Sec-Fetch-Site', async ({ stack }) => {
  const w = await setup(stack);
  const before = fingerprint(stack, w.folders);
  const evil = 'http://evil.example';
  const otherPort = stack.url.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) + 1}`);
  for (const withCookie of [true, false]) {
    const cookie: Record<string, string> = withCookie ? { cookie: w.cookie } : {};
    for (const [proc, input] of DANGEROUS) {
      const form = new FormData();
      form.set('input', JSON.stringify({ json: input }));
      const attempts: [string, Promise<Response>, number][] = [
        ['multipart form', mutation(stack, proc, input, { ...cookie, origin: evil }, form), 403],
        ['multipart form, no Origin', mutation(stack, proc, input, { ...cookie }, form), 415],
        ['urlencoded form', mutation(stack, proc, input, { ...cookie, 'content-type': 'application/x-www-form-urlencoded' }, 'json=%7B%7D'), 415],
        ['text/plain', mutation(stack, proc, input, { ...cookie, 'content-type': 'text/plain' }, JSON.stringify({ json: input })), 415],
        ['JSON from another site', mutation(stack, proc, input, { ...cookie, 'content-type': 'application/json', origin: evil }), 403],
        ['JSON from another port', mutation(stack, proc, input, { ...cookie, 'content-type': 'application/json', origin: otherPort }), 403],
        ['JSON with Origin null', mutation(stack, proc, input, { ...cookie, 'content-type': 'application/json', origin: 'null' }), 403],
        ['JSON, Sec-Fetch-Site cross-site', mutation(stack, proc, input, { ...cookie, 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }), 403],
      ];
      for (const [what, res, status] of attempts) expect((await res).status, `${proc}: ${what}${withCookie ? ' with the cookie' : ''}`).toBe(status);
    }
  }
  // logout is a write too: another site cannot force it
  expect((await fetch(`${stack.url}/api/auth/logout`, { method: 'POST', headers: { cookie: w.cookie, origin: evil } })).status).toBe(403);
  expect((await fetch(`${stack.url}/api/trpc/auth.sessions`, { headers: { cookie: w.cookie } })).status).toBe(200);
  expect(fingerprint(stack, w.folders)).toEqual(before);
});

test('reading has no side effects: the playlist list and the engine REST fallback only read', async ({ stack }) => {
  const w = await setup(stack);
  const before = fingerprint(stack, w.folders);
  const auth = { authorization: `Bearer ${TOKEN}` };
  expect((await fetch(`${stack.url}/api/trpc/playlists.list`, { headers: auth })).status).toBe(200);
  expect((await fetch(`${stack.url}/api/trpc/playlists.thinking`, { headers: auth })).status).toBe(200);
  const info = await fetch(`${stack.url}/api/audio-server/tracks/${w.trackId}`, { headers: auth });
  expect(info.status).toBe(409);
  expect(await info.json()).toMatchObject({ success: false, error: 'Not analysed yet' });
  expect(fingerprint(stack, w.folders)).toEqual(before);
});

test('DNS rebinding: a Host the library does not answer to gets 421 before anything runs', async ({ stack }) => {
  const w = await setup(stack);
  const before = fingerprint(stack, w.folders);
  for (const [method, p] of [
    ['GET', '/api/health'],
    ['GET', '/library'],
    ['GET', '/api/trpc/system.info'],
    ['GET', `/api/tracks/${w.trackId}/audio`],
    ['POST', '/api/trpc/system.backupNow'],
  ] as const) {
    const r = await raw(`${stack.url}${p}`, {
      method,
      headers: { host: `rebind.evil.example:${new URL(stack.url).port}`, authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: method === 'POST' ? '{"json":{}}' : undefined,
    });
    expect(r.status, `${method} ${p}`).toBe(421);
    expect(r.body).not.toContain('"version"');
  }
  expect(fingerprint(stack, w.folders)).toEqual(before);
});

test('files outside the library are never served: a planted link, a swapped-in link, a system folder, include patterns', async ({ stack }) => {
  const w = await setup(stack);
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  const auth = { authorization: `Bearer ${TOKEN}` };
  const secret = fs.readFileSync('/etc/hostname', 'utf8').trim() || 'localhost';
  // a link planted in the folder (which follows links) is not taken into the library
  fs.symlinkSync('/etc/passwd', path.join(w.root, 'evil.mp3'));
  const dirs = await client.directories.list.query();
  const { scanId } = await client.scans.start.mutate({ directoryId: dirs[0]!.id, strategy: 'full' });
  await expect
    .poll(async () => (await client.scans.status.query({ directoryId: dirs[0]!.id }))?.id === scanId && (await client.scans.status.query({ directoryId: dirs[0]!.id }))?.status, {
      timeout: 60_000,
    })
    .toBe('completed');
  expect((await client.tracks.list.query({ filters: { q: 'evil' }, limit: 10 })).items).toEqual([]);
  // an indexed file swapped for a link to /etc/hostname is refused by every byte route
  const track = await client.tracks.byId.query({ id: w.trackId });
  const file = path.join(w.root, track.relPath);
  const saved = fs.readFileSync(file);
  fs.rmSync(file);
  fs.symlinkSync('/etc/hostname', file);
  try {
    for (const route of ['audio', 'preview', 'audio?download=1']) {
      const res = await fetch(`${stack.url}/api/tracks/${w.trackId}/${route}`, { headers: auth });
      expect(res.status, route).toBe(403);
      const body = await res.text();
      expect(body).not.toContain(secret);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  } finally {
    fs.rmSync(file);
    fs.writeFileSync(file, saved);
  }
  // system folders and the data folder are refused; include patterns cannot bring in passwd
  const before = fingerprint(stack, w.folders);
  for (const p of ['/etc', '/', '/proc', '/root', stack.dataDir]) {
    await expect(client.directories.create.mutate({ path: p }), p).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  }
  expect(fingerprint(stack, w.folders)).toEqual(before);
  const odd = path.join(stack.tmp, 'Odd');
  fs.mkdirSync(odd);
  fs.writeFileSync(path.join(odd, 'passwd'), 'root:x:0:0:root:/root:/bin/bash');
  fs.copyFileSync(file, path.join(odd, 'song.mp3'));
  const made = await client.directories.create.mutate({ path: odd, includePatterns: ['**/passwd', '**/*.mp3'] });
  await expect.poll(async () => (await client.scans.status.query({ directoryId: made.id }))?.status, { timeout: 60_000 }).toBe('completed');
  const odds = (await client.tracks.list.query({ filters: { directoryId: made.id }, limit: 10 })).items.map((t) => t.fileName);
  expect(odds).toEqual(['song.mp3']);
  await client.directories.remove.mutate({ id: made.id, tracks: 'remove' });
});

test('hostile bodies are refused before they are read, and health answers within a second meanwhile', async ({ stack }) => {
  const w = await setup(stack);
  const before = fingerprint(stack, w.folders);
  const workerUrl = `http://127.0.0.1:${stack.env.WORKER_PORT}`;
  const attacks: [string, () => Promise<{ status: number }>, number][] = [
    [
      'a 150 MB sign-in body',
      () =>
        raw(`${stack.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: stack.url },
          declaredLength: 150 * 1024 * 1024,
          body: Buffer.alloc(1024 * 1024, 32),
        }),
      413,
    ],
    [
      'a chunked sign-in body',
      () => raw(`${stack.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: '5\r\nhello\r\n' }),
      411,
    ],
    [
      'a 600 MB analysis callback with a forged secret',
      () =>
        raw(`${workerUrl}/api/analysis/callback/forged-secret-0123456789`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          declaredLength: 600 * 1024 * 1024,
          body: Buffer.alloc(1024 * 1024, 32),
        }),
      401,
    ],
    [
      '1,000 calls in one tRPC batch',
      () => fetch(`${stack.url}/api/trpc/${Array(1000).fill('system.info').join(',')}?batch=1`, { headers: { authorization: `Bearer ${TOKEN}` } }),
      413,
    ],
  ];
  for (const [what, attack, status] of attacks) {
    const running = Promise.all([attack(), attack(), attack(), attack()]);
    const health = await healthMs(stack.url);
    const answers = await running;
    expect(
      answers.map((a) => a.status),
      what,
    ).toEqual([status, status, status, status]);
    expect(health, `health during ${what}`).toBeLessThan(1_000);
  }
  // a 50,000-line M3U is refused with a clear message, and health answers while it is read
  const m3u = ['#EXTM3U', ...Array.from({ length: 50_000 }, (_, i) => `/music/gone/${i}.mp3`)].join('\n');
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  const importing = client.playlists.import.mutate({ fileName: 'huge.m3u', content: m3u }).then(
    () => null,
    (e: { message: string }) => e.message,
  );
  const health = await healthMs(stack.url);
  expect(await importing).toMatch(/50,000 entries; one import takes at most 20,000/);
  expect(health).toBeLessThan(1_000);
  expect(fingerprint(stack, w.folders)).toEqual(before);
});

test('preview conversions are capped per client: never more than two ffmpeg at once, the rest are told to wait', async ({ stack }) => {
  const w = await setup(stack);
  const auth = { authorization: `Bearer ${TOKEN}` };
  // count the conversions of this library's files while 30 previews are asked for at once
  let most = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const n = await new Promise<number>((r) => execFile('pgrep', ['-c', '-f', `ffmpeg.*file:${w.root}`], (_e, out) => r(Number(String(out).trim()) || 0)));
      most = Math.max(most, n);
    }
  })();
  const answers = await Promise.all(Array.from({ length: 30 }, () => fetch(`${stack.url}/api/tracks/${w.aiffId}/preview`, { headers: auth })));
  const statuses = answers.map((a) => a.status);
  await Promise.all(answers.map((a) => a.arrayBuffer()));
  sampling = false;
  await sampler;
  expect(most).toBeGreaterThan(0);
  expect(most).toBeLessThanOrEqual(2);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
  expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  expect(answers.find((a) => a.status === 429)!.headers.get('retry-after')).toBe('2');
});

test('sessions live on the server: signing out ends one, "sign out everywhere" ends all, tokens are named and revocable', async ({ stack }) => {
  await setup(stack);
  const signIn = async () => {
    const r = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.url },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(r.status).toBe(200);
    return r.headers.get('set-cookie')!.split(';')[0]!;
  };
  const works = async (cookie: string) => (await fetch(`${stack.url}/api/trpc/system.status`, { headers: { cookie } })).status === 200;
  const a = await signIn();
  const b = await signIn();
  // logout without a session does nothing (and another site cannot force it: see the cross-site test)
  expect((await fetch(`${stack.url}/api/auth/logout`, { method: 'POST' })).status).toBe(401);
  expect((await fetch(`${stack.url}/api/auth/logout`, { method: 'POST', headers: { cookie: a, origin: stack.url } })).status).toBe(200);
  expect(await works(a)).toBe(false); // the old cookie no longer opens anything
  expect(await works(b)).toBe(true);
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  const { token, id } = await client.auth.createToken.mutate({ name: 'rekordbox sync' });
  const byToken = createMismoClient({ url: stack.url, token });
  expect(await byToken.system.status.query()).toBeTruthy();
  const listed = await client.auth.sessions.query();
  expect(listed.tokens).toMatchObject([{ id, name: 'rekordbox sync', prefix: token.slice(0, 12) }]);
  expect(JSON.stringify(listed)).not.toContain(token);
  await client.auth.revokeToken.mutate({ id });
  await expect(byToken.system.status.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  expect((await client.auth.signOutEverywhere.mutate()).ended).toBeGreaterThanOrEqual(1);
  expect(await works(b)).toBe(false);
  world!.cookie = await signIn();
});

test('every response carries the security headers; health and errors say no more than they must', async ({ stack }) => {
  const w = await setup(stack);
  for (const p of ['/login', '/api/health', `/api/tracks/${w.trackId}/audio`, '/api/artwork/0123456789abcdef', '/api/trpc/system.status']) {
    const res = await fetch(`${stack.url}${p}`, { headers: { cookie: w.cookie } });
    expect(res.headers.get('content-security-policy'), p).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
    expect(res.headers.get('referrer-policy'), p).toBe('same-origin');
  }
  const open = (await (await fetch(`${stack.url}/api/health`)).json()) as Record<string, unknown>;
  expect(Object.keys(open)).toEqual(['status']);
  const signed = (await (await fetch(`${stack.url}/api/health`, { headers: { cookie: w.cookie } })).json()) as Record<string, unknown>;
  expect(signed).toHaveProperty('version');
  expect(await (await fetch(`http://127.0.0.1:${stack.env.WORKER_PORT}/health`)).json()).toEqual({ status: 'ok' });
  // a body tRPC cannot read: a clear message, never a JavaScript error
  for (const body of ['null', '{"json":', '[]', '{"json":{"fileAction":{"__proto__":{"x":1}}}}']) {
    const res = await mutation(stack, 'duplicates.resolveAll', null, { cookie: w.cookie, 'content-type': 'application/json', origin: stack.url }, body);
    const text = await res.text();
    expect(res.status, body).toBeGreaterThanOrEqual(400);
    expect(text, body).not.toMatch(/Cannot read|is not a function|TypeError|SyntaxError|Unexpected token|at .*\.js/);
  }
  // names that disguise themselves with direction overrides are refused
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  await expect(client.files.previewRename.query({ trackId: w.trackId, name: 'invoice\u202Egnp' })).rejects.toThrow(/reverse the text direction/);
});

test('what held before still holds: no credentials, forged cookies, query-string tokens, FTS and path tricks', async ({ stack }) => {
  const w = await setup(stack);
  const before = fingerprint(stack, w.folders);
  for (const p of procedurePaths().filter((x) => x !== 'system.authStatus' && x !== 'events.onEvent')) {
    const res = await fetch(`${stack.url}/api/trpc/${p}`);
    expect([401, 405], p).toContain(res.status);
  }
  // the event stream answers 200 (it is a stream) with an error and no event
  const sse = await fetch(`${stack.url}/api/trpc/events.onEvent`, { headers: { accept: 'text/event-stream' } });
  const first = await sse.body!.getReader().read();
  const text = Buffer.from(first.value ?? []).toString();
  expect(text).toContain('UNAUTHORIZED');
  expect(text).not.toMatch(/"type":"(job|library|worker)/);
  await sse.body!.cancel().catch(() => undefined);
  expect((await fetch(`${stack.url}/api/trpc/system.status`, { headers: { cookie: 'mismo_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })).status).toBe(401);
  expect((await fetch(`${stack.url}/api/trpc/system.status?token=${TOKEN}`)).status).toBe(401);
  expect((await fetch(`${stack.url}/api/tracks/${w.trackId}/audio?token=${TOKEN}`)).status).toBe(401);
  const client = createMismoClient({ url: stack.url, token: TOKEN });
  for (const q of ['"', '*', 'title:', 'NEAR(', ') OR 1=1 --', '\u0000'])
    await client.tracks.list.query({ filters: { q }, limit: 5 }).catch((e: { data?: { code: string } }) => expect(e.data?.code).toBe('BAD_REQUEST'));
  for (const folder of ['/etc', `${w.root}/../..`, 'relative']) {
    await expect(client.files.previewMove.query({ trackIds: [w.trackId], folder })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  }
  expect(fingerprint(stack, w.folders)).toEqual(before);
});

// last: it locks this address out of signing in for a minute
test('the sign-in limiter believes no X-Forwarded-For from a client, and keys on the socket', async ({ stack }) => {
  await setup(stack);
  const guesses: number[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await fetch(`${stack.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: stack.url, 'x-forwarded-for': `10.9.${i}.1`, 'x-real-ip': `10.8.${i}.1` },
      body: JSON.stringify({ password: `guess ${i}` }),
    });
    guesses.push(r.status);
  }
  expect(guesses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
});
