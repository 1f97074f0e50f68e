import { describe, expect, it } from 'vitest';
import { makeTestEnv } from '../env';
import { LoginLimiter, login } from './login';
import { SESSION_COOKIE, authenticate, signSession, verifySession } from './session';

const key = Buffer.alloc(32, 7);

describe('sessions', () => {
  it('verifies its own tokens and rejects tampered, expired or foreign ones', () => {
    const token = signSession(key, 2_000);
    expect(verifySession(key, token, 1_000)).toBe(true);
    expect(verifySession(key, token, 3_000)).toBe(false);
    expect(verifySession(Buffer.alloc(32, 8), token, 1_000)).toBe(false);
    const parts = token.split('.');
    expect(verifySession(key, [parts[0], '9999999999999', parts[2], parts[3]].join('.'), 1_000)).toBe(false);
    expect(verifySession(key, 'garbage', 1_000)).toBe(false);
    expect(verifySession(key, undefined, 1_000)).toBe(false);
  });

  it('is open without a password, and otherwise needs a valid cookie or bearer token', () => {
    expect(authenticate(makeTestEnv(), key, {})).toEqual({ ok: true, via: 'open' });
    const env = makeTestEnv({ MISMO_PASSWORD: 'correct horse', API_TOKEN: 'tok-0123456789abcdef' });
    expect(authenticate(env, key, {})).toEqual({ ok: false, via: 'none' });
    expect(authenticate(env, key, { authorization: 'Bearer wrong' }).ok).toBe(false);
    expect(authenticate(env, key, { authorization: 'Bearer tok-0123456789abcdef' })).toEqual({ ok: true, via: 'token' });
    const token = signSession(key, Date.now() + 60_000);
    expect(authenticate(env, key, { cookie: `x=1; ${SESSION_COOKIE}=${token}` })).toEqual({ ok: true, via: 'session' });
  });

  it('rate-limits failed logins per client', () => {
    const env = makeTestEnv({ MISMO_PASSWORD: 'correct horse' });
    const limiter = new LoginLimiter(3, 60_000);
    for (let i = 0; i < 3; i++) expect(() => login(env, key, limiter, 'a', 'nope', 1_000)).toThrow(/Wrong password/);
    expect(() => login(env, key, limiter, 'a', 'correct horse', 2_000)).toThrow(/Too many failed attempts/);
    expect(login(env, key, limiter, 'b', 'correct horse', 2_000).token).toMatch(/^v1\./);
    expect(login(env, key, limiter, 'a', 'correct horse', 62_000).token).toMatch(/^v1\./);
  });
});
