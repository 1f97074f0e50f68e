import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Env } from '../env';

export const SESSION_COOKIE = 'mismo_session';

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
/** Constant-time comparison of two secrets of any length. */
export const secretsEqual = (a: string, b: string) => crypto.timingSafeEqual(digest(a), digest(b));

/**
 * The key that signs session cookies: SESSION_SECRET, or a random key created once in the data
 * folder (mode 0600). Changing the password also invalidates old sessions, because the password
 * hash is mixed into the key.
 */
export function loadSigningKey(env: Env): Buffer {
  let secret = env.auth.sessionSecret;
  if (!secret) {
    const file = path.join(env.dataDir, 'session-secret');
    try {
      secret = fs.readFileSync(file, 'utf8').trim();
    } catch {
      fs.mkdirSync(env.dataDir, { recursive: true });
      const fresh = crypto.randomBytes(32).toString('hex');
      try {
        fs.writeFileSync(file, fresh, { mode: 0o600, flag: 'wx' });
        secret = fresh;
      } catch {
        secret = fs.readFileSync(file, 'utf8').trim(); // the other process won the race
      }
    }
  }
  return crypto
    .createHmac('sha256', secret)
    .update(env.auth.password ?? '')
    .digest();
}

/** `v1.<expiresAtMs>.<nonce>.<hmac>` */
export function signSession(key: Buffer, expiresAt: number): string {
  const body = `v1.${expiresAt}.${crypto.randomBytes(9).toString('base64url')}`;
  const mac = crypto.createHmac('sha256', key).update(body).digest('base64url');
  return `${body}.${mac}`;
}

export function verifySession(key: Buffer, token: string | undefined | null, now = Date.now()): boolean {
  if (!token) return false;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return false;
  const body = parts.slice(0, 3).join('.');
  const expected = crypto.createHmac('sha256', key).update(body).digest();
  let given: Buffer;
  try {
    given = Buffer.from(parts[3]!, 'base64url');
  } catch {
    return false;
  }
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return false;
  const expiresAt = Number(parts[1]);
  return Number.isFinite(expiresAt) && expiresAt > now;
}

export function parseCookies(header: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!k) continue;
    try {
      out[k] = decodeURIComponent(part.slice(i + 1).trim());
    } catch {
      out[k] = part.slice(i + 1).trim();
    }
  }
  return out;
}

export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}

export const clearSessionCookie = () => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

export type AuthVia = 'open' | 'session' | 'token' | 'none';

export interface AuthResult {
  ok: boolean;
  via: AuthVia;
}

/**
 * Decides whether a request may see anything. With no password or token configured the server
 * only listens on loopback (enforced by env validation) and everything is open.
 */
export function authenticate(env: Env, key: Buffer, headers: { cookie?: string | null; authorization?: string | null }, now = Date.now()): AuthResult {
  if (!env.auth.enabled) return { ok: true, via: 'open' };
  const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer && env.auth.apiToken && secretsEqual(bearer, env.auth.apiToken)) return { ok: true, via: 'token' };
  if (env.auth.password && verifySession(key, parseCookies(headers.cookie)[SESSION_COOKIE], now)) return { ok: true, via: 'session' };
  return { ok: false, via: 'none' };
}
