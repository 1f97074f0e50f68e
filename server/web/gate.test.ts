import { describe, expect, it } from 'vitest';
import { makeTestEnv } from '../env';
import { MAX_TRPC_BATCH, checkRequest, gateConfig, hostName, inCidr, parseCidr, type GateRequest } from './gate';

const cfg = gateConfig(makeTestEnv({ ALLOWED_HOSTS: 'music.home' }));
const req = (over: Partial<GateRequest> & { h?: Record<string, string> } = {}): GateRequest => ({
  method: 'GET',
  url: '/library',
  remoteAddress: '127.0.0.1',
  ...over,
  headers: { host: '127.0.0.1:3000', ...over.h },
});

describe('the gate', () => {
  it('answers only to its own host names (DNS rebinding gets 421)', () => {
    expect(checkRequest(cfg, req())).toEqual({ ok: true, client: '127.0.0.1' });
    expect(checkRequest(cfg, req({ h: { host: 'localhost:3000' } })).ok).toBe(true);
    expect(checkRequest(cfg, req({ h: { host: '[::1]:3000' } })).ok).toBe(true);
    expect(checkRequest(cfg, req({ h: { host: 'MUSIC.home' } })).ok).toBe(true);
    expect(checkRequest(cfg, req({ h: { host: 'attacker.example:3000' } }))).toMatchObject({ ok: false, status: 421 });
    expect(checkRequest(cfg, req({ h: { host: '' } }))).toMatchObject({ ok: false, status: 421 });
    expect(checkRequest(cfg, req({ h: { host: '127.0.0.1.attacker.example' } }))).toMatchObject({ ok: false, status: 421 });
    expect(hostName('a.b:99999999')).toBeUndefined();
  });

  it('a wildcard bind answers to this machine’s names and addresses too', () => {
    const wide = gateConfig(makeTestEnv({ HOST: '0.0.0.0', MISMO_PASSWORD: 'password123' }));
    expect(wide.allowedHosts.has('127.0.0.1')).toBe(true);
    expect([...wide.allowedHosts].length).toBeGreaterThan(3);
    expect(wide.allowedHosts.has('0.0.0.0')).toBe(false);
  });

  it('refuses state-changing requests from other sites, whatever the cookie', () => {
    const post = (h: Record<string, string>) => checkRequest(cfg, req({ method: 'POST', url: '/api/trpc/duplicates.resolveAll', h: { 'content-type': 'application/json', ...h } }));
    expect(post({ origin: 'http://127.0.0.1:3000' }).ok).toBe(true);
    expect(post({ origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }).ok).toBe(true);
    expect(post({})).toMatchObject({ ok: true }); // curl and scripts: no browser, no other site
    expect(post({ origin: 'http://evil.example' })).toMatchObject({ ok: false, status: 403 });
    expect(post({ origin: 'http://127.0.0.1:4000' })).toMatchObject({ ok: false, status: 403 }); // another port is another site
    expect(post({ origin: 'null' })).toMatchObject({ ok: false, status: 403 });
    expect(post({ 'sec-fetch-site': 'cross-site' })).toMatchObject({ ok: false, status: 403 });
    expect(post({ 'sec-fetch-site': 'same-site' })).toMatchObject({ ok: false, status: 403 });
    // GET reads only, so it passes (the response is unreadable to another site anyway)
    expect(checkRequest(cfg, req({ h: { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' } })).ok).toBe(true);
  });

  it('takes tRPC calls only as JSON (a form post needs no preflight)', () => {
    const post = (type: string) => checkRequest(cfg, req({ method: 'POST', url: '/api/trpc/missing.cleanup', h: { 'content-type': type } }));
    expect(post('multipart/form-data; boundary=x')).toMatchObject({ ok: false, status: 415 });
    expect(post('application/x-www-form-urlencoded')).toMatchObject({ ok: false, status: 415 });
    expect(post('text/plain')).toMatchObject({ ok: false, status: 415 });
    expect(post('application/json')).toMatchObject({ ok: true });
  });

  it('caps batches and sign-in bodies before anything is read', () => {
    const batch = (n: number) => checkRequest(cfg, req({ url: `/api/trpc/${Array(n).fill('system.info').join(',')}?batch=1` }));
    expect(batch(MAX_TRPC_BATCH).ok).toBe(true);
    expect(batch(MAX_TRPC_BATCH + 1)).toMatchObject({ ok: false, status: 413 });
    const login = (h: Record<string, string>) => checkRequest(cfg, req({ method: 'POST', url: '/api/auth/login', h }));
    expect(login({ 'content-length': '40' }).ok).toBe(true);
    expect(login({ 'content-length': String(150 * 1024 * 1024) })).toMatchObject({ ok: false, status: 413 });
    expect(login({ 'transfer-encoding': 'chunked' })).toMatchObject({ ok: false, status: 411 });
  });

  it('believes X-Forwarded-For only from a trusted proxy', () => {
    const spoof = { 'x-forwarded-for': '10.9.9.9' };
    expect(checkRequest(cfg, req({ remoteAddress: '::ffff:192.168.1.7', h: spoof }))).toEqual({ ok: true, client: '192.168.1.7' });
    const proxied = gateConfig(makeTestEnv({ TRUSTED_PROXIES: '127.0.0.1,10.0.0.0/8' }));
    expect(checkRequest(proxied, req({ h: { 'x-forwarded-for': '203.0.113.5, 10.1.1.1' } }))).toEqual({ ok: true, client: '203.0.113.5' });
    expect(checkRequest(proxied, req({ remoteAddress: '192.168.1.7', h: spoof }))).toEqual({ ok: true, client: '192.168.1.7' });
    expect(inCidr('10.200.3.4', parseCidr('10.0.0.0/8'))).toBe(true);
    expect(inCidr('11.0.0.1', parseCidr('10.0.0.0/8'))).toBe(false);
    expect(inCidr('fd00::1', parseCidr('fd00::/8'))).toBe(true);
    expect(inCidr('fe80::1', parseCidr('fd00::/8'))).toBe(false);
  });
});
