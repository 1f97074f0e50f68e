import { afterEach, describe, expect, it } from 'vitest';
import { authSessions } from '@/drizzle/schema';
import { makeTestEnv } from '../env';
import { createTestContext, type TestContext } from '../testing/create-test-context';
import { LoginLimiter, addressKey, login } from './login';
import { SESSION_COOKIE, authenticate, createApiToken, listApiTokens, listSessions, loadSigningKey, revokeAllSessions, revokeApiToken, revokeSessionToken } from './session';

let t: TestContext | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

const key = Buffer.alloc(32, 7);
const PASSWORD = 'correct horse';
const setup = (extra: Record<string, string> = {}) => {
  t = createTestContext({ env: { MISMO_PASSWORD: PASSWORD, API_TOKEN: 'tok-0123456789abcdef', ...extra } });
  return t;
};
const cookie = (token: string) => ({ cookie: `x=1; ${SESSION_COOKIE}=${token}` });
const noSleep = () => Promise.resolve();

describe('sessions (server-side)', () => {
  it('is open without a password, and otherwise needs a live session cookie or a bearer token', async () => {
    const { db, ctx } = setup();
    expect(authenticate(makeTestEnv(), key, db, {})).toEqual({ ok: true, via: 'open' });
    expect(authenticate(ctx.env, key, db, {})).toEqual({ ok: false, via: 'none' });
    expect(authenticate(ctx.env, key, db, { authorization: 'Bearer wrong' }).ok).toBe(false);
    expect(authenticate(ctx.env, key, db, { authorization: 'Bearer tok-0123456789abcdef' })).toEqual({ ok: true, via: 'token' });
    const { token } = await login(db, ctx.env, key, new LoginLimiter(), { address: '10.0.0.2', userAgent: 'Firefox' }, PASSWORD, () => 1_000);
    expect(authenticate(ctx.env, key, db, cookie(token), 2_000)).toMatchObject({ ok: true, via: 'session' });
    // the database holds only the token's hash
    expect(
      db
        .select()
        .from(authSessions)
        .all()
        .map((s) => s.id),
    ).not.toContain(token);
    expect(authenticate(ctx.env, key, db, cookie(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')), 2_000).ok).toBe(false);
    expect(authenticate(ctx.env, key, db, cookie('garbage'), 2_000).ok).toBe(false);
    expect(authenticate(ctx.env, key, db, cookie(token), 1_000 + ctx.env.auth.sessionTtlMs).ok).toBe(false); // expired
  });

  it('signing out ends the session on the server: the old cookie stops working', async () => {
    const { db, ctx } = setup();
    const { token } = await login(db, ctx.env, key, new LoginLimiter(), { address: '10.0.0.2' }, PASSWORD, () => 1_000);
    revokeSessionToken(db, token, 2_000);
    expect(authenticate(ctx.env, key, db, cookie(token), 3_000).ok).toBe(false);
  });

  it('"sign out everywhere" and a new password end every session; the list shows the live ones', async () => {
    const { db, ctx } = setup();
    const limiter = new LoginLimiter();
    const a = await login(db, ctx.env, key, limiter, { address: '10.0.0.2', userAgent: 'Phone' }, PASSWORD, () => 1_000);
    const b = await login(db, ctx.env, key, limiter, { address: '10.0.0.3', userAgent: 'Laptop' }, PASSWORD, () => 2_000);
    const mine = authenticate(ctx.env, key, db, cookie(b.token), 3_000).sessionId;
    const list = listSessions(db, ctx.env, key, mine, 3_000);
    expect(list.map((s) => [s.userAgent, s.address, s.current])).toEqual([
      ['Laptop', '10.0.0.3', true],
      ['Phone', '10.0.0.2', false],
    ]);
    // a new MISMO_PASSWORD: the same cookies no longer open anything
    const changed = makeTestEnv({ DATA_DIR: ctx.env.dataDir, MISMO_PASSWORD: 'a whole new password' });
    expect(authenticate(changed, key, db, cookie(a.token), 3_000).ok).toBe(false);
    expect(listSessions(db, changed, key, undefined, 3_000)).toEqual([]);
    expect(authenticate(ctx.env, key, db, cookie(a.token), 3_000).ok).toBe(true);
    expect(revokeAllSessions(db, 4_000)).toBe(2);
    expect(authenticate(ctx.env, key, db, cookie(a.token), 5_000).ok).toBe(false);
    expect(authenticate(ctx.env, key, db, cookie(b.token), 5_000).ok).toBe(false);
  });

  it('named API tokens: shown once, stored hashed, revocable, last use recorded', () => {
    const { db, ctx } = setup();
    const { id, token } = createApiToken(db, 'rekordbox sync', 1_000);
    expect(token).toMatch(/^mismo_[\w-]{40}$/);
    expect(JSON.stringify(db.$client.prepare('SELECT * FROM api_tokens').all())).not.toContain(token);
    expect(authenticate(ctx.env, key, db, { authorization: `Bearer ${token}` }, 120_000)).toEqual({ ok: true, via: 'token' });
    expect(listApiTokens(db)).toEqual([{ id, name: 'rekordbox sync', prefix: token.slice(0, 12), createdAt: 1_000, lastUsedAt: 120_000 }]);
    revokeApiToken(db, id, 130_000);
    expect(authenticate(ctx.env, key, db, { authorization: `Bearer ${token}` }, 140_000).ok).toBe(false);
    expect(listApiTokens(db)).toEqual([]);
    expect(() => createApiToken(db, '   ', 1)).toThrow(/name/);
  });

  it('keeps its key in the data folder (0600) when SESSION_SECRET is not set', () => {
    const { ctx } = setup();
    const k1 = loadSigningKey(ctx.env);
    expect(loadSigningKey(ctx.env).equals(k1)).toBe(true);
  });
});

describe('sign-in limiter', () => {
  it('limits wrong passwords per address; another address is not locked out', async () => {
    const { db, ctx } = setup();
    const limiter = new LoginLimiter({ perAddress: 3 });
    let now = 1_000;
    const clock = () => now;
    for (let i = 0; i < 3; i++) await expect(login(db, ctx.env, key, limiter, { address: '10.0.0.9' }, 'nope', clock)).rejects.toThrow(/Wrong password/);
    await expect(login(db, ctx.env, key, limiter, { address: '10.0.0.9' }, PASSWORD, clock)).rejects.toThrow(/Too many failed attempts/);
    expect((await login(db, ctx.env, key, limiter, { address: '10.0.0.10' }, PASSWORD, clock)).token).toMatch(/^[\w-]{43}$/);
    now = 62_000;
    expect((await login(db, ctx.env, key, limiter, { address: '10.0.0.9' }, PASSWORD, clock)).token).toMatch(/^[\w-]{43}$/);
  });

  it('one IPv6 machine is one address (its /64), and old addresses are forgotten', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe(addressKey('2001:db8:1:2:bbbb::2'));
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    const limiter = new LoginLimiter({ maxAddresses: 100 });
    for (let i = 0; i < 1_000; i++) limiter.fail(`10.1.${i >> 8}.${i & 255}`, 1_000);
    expect(limiter.size).toBe(100);
  });

  it('many addresses together are spaced out, one check at a time, but the right password still gets in', async () => {
    const { db, ctx } = setup();
    const limiter = new LoginLimiter({ accountFree: 4, maxSpacingMs: 1_000 });
    let now = 1_000;
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    };
    const attempt = (address: string, password: string) => {
      const wait = limiter.retryAfter(address, now);
      if (wait) throw new Error('locked');
      return limiter.turn(address, () => now, sleep).then(() => (password === PASSWORD ? 'ok' : (limiter.fail(address, now), 'wrong')));
    };
    // 20 guessers, one wrong password each: after the free ones, each check waits its turn
    for (let i = 0; i < 20; i++) expect(await attempt(`10.2.0.${i}`, 'guess')).toBe('wrong');
    expect(waits.length).toBeGreaterThan(10);
    expect(Math.max(...waits)).toBeLessThanOrEqual(1_000);
    // the owner from a fresh address: waits a moment, then gets in
    expect(await attempt('10.3.0.1', PASSWORD)).toBe('ok');
    // a session comes out of the real login as well (once its turn is due)
    now += 2_000;
    expect((await login(db, ctx.env, key, limiter, { address: '10.3.0.1' }, PASSWORD, () => now)).token).toBeTruthy();
  });

  it('an address may have only one attempt waiting while checks are spaced out', async () => {
    const limiter = new LoginLimiter({ accountFree: 0, maxSpacingMs: 1_000 });
    limiter.fail('10.9.0.1', 1_000);
    await limiter.turn('10.9.0.3', () => 1_000, noSleep); // the next check is due a little later
    let release: (() => void) | undefined;
    const first = limiter.turn(
      '10.9.0.2',
      () => 1_000,
      () => new Promise<void>((r) => (release = r)),
    );
    await expect(limiter.turn('10.9.0.2', () => 1_000, noSleep)).rejects.toThrow(/already waiting/);
    expect(release).toBeDefined();
    release!();
    await first;
    await expect(limiter.turn('10.9.0.2', () => 1_000, noSleep)).resolves.toBeUndefined();
  });
});
