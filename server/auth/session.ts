import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { apiTokens, authSessions } from '@/drizzle/schema';
import type { Db } from '../db/client';
import type { Env } from '../env';
import { InvalidError, NotFoundError } from '../errors';

export const SESSION_COOKIE = 'mismo_session';
/** Prefix of tokens made on the System page (the env API_TOKEN may look like anything). */
const TOKEN_PREFIX = 'mismo_';
/** last_seen/last_used are written at most this often per session or token. */
const TOUCH_EVERY_MS = 60_000;

const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
const hashHex = (s: string) => crypto.createHash('sha256').update(s).digest('hex');
/** Constant-time comparison of two secrets of any length. */
export const secretsEqual = (a: string, b: string) => crypto.timingSafeEqual(digest(a), digest(b));

/**
 * The server's own key: SESSION_SECRET, or a random key created once in the data folder (mode
 * 0600). It marks which password a session was signed in with, so a new password ends them all.
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
  return crypto.createHash('sha256').update(secret).digest();
}

/** Which password is current, as a keyed hash (never the password). */
export const passwordMark = (key: Buffer, env: Env) =>
  crypto
    .createHmac('sha256', key)
    .update(env.auth.password ?? '')
    .digest('hex')
    .slice(0, 32);

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

// SameSite=Lax: not sent with the background requests other sites make (their forms and fetches are refused at the gate too)
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(maxAgeMs / 1000)}${secure ? '; Secure' : ''}`;
}

export const clearSessionCookie = () => `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;

// ---- sessions -------------------------------------------------------------------------------

export interface SessionClient {
  userAgent?: string | null;
  address?: string | null;
}

/** A new signed-in session; the token goes into the cookie, its hash into the database. */
export function createSession(db: Db, env: Env, key: Buffer, client: SessionClient, now: number): { token: string; expiresAt: number } {
  const token = crypto.randomBytes(32).toString('base64url');
  const expiresAt = now + env.auth.sessionTtlMs;
  db.transaction((tx) => {
    // keep the table small: ended sessions go a day after they end
    tx.delete(authSessions)
      .where(or(lt(authSessions.expiresAt, now - 86_400_000), lt(authSessions.revokedAt, now - 86_400_000)))
      .run();
    tx.insert(authSessions)
      .values({
        id: hashHex(token),
        createdAt: now,
        lastSeenAt: now,
        expiresAt,
        userAgent: client.userAgent?.slice(0, 300) ?? null,
        address: client.address?.slice(0, 64) ?? null,
        passwordMark: passwordMark(key, env),
      })
      .run();
  });
  return { token, expiresAt };
}

/** The live session behind a cookie token (not revoked, not expired, signed in with today's password). */
function liveSession(db: Db, env: Env, key: Buffer, token: string, now: number) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const row = db
    .select()
    .from(authSessions)
    .where(eq(authSessions.id, hashHex(token)))
    .get();
  if (row?.revokedAt !== null || row.expiresAt <= now || row.passwordMark !== passwordMark(key, env)) return undefined;
  if (now - row.lastSeenAt > TOUCH_EVERY_MS) db.update(authSessions).set({ lastSeenAt: now }).where(eq(authSessions.id, row.id)).run();
  return row;
}

/** Ends the session behind a cookie token (signing out). */
export function revokeSessionToken(db: Db, token: string | undefined, now: number) {
  if (!token) return;
  db.update(authSessions)
    .set({ revokedAt: now })
    .where(and(eq(authSessions.id, hashHex(token)), isNull(authSessions.revokedAt)))
    .run();
}

export function revokeSession(db: Db, id: string, now: number) {
  const r = db
    .update(authSessions)
    .set({ revokedAt: now })
    .where(and(eq(authSessions.id, id), isNull(authSessions.revokedAt)))
    .run();
  if (r.changes === 0) throw new NotFoundError('session', id);
}

/** "Sign out everywhere": every session ends, the caller's included. Returns how many. */
export function revokeAllSessions(db: Db, now: number): number {
  return db
    .update(authSessions)
    .set({ revokedAt: now })
    .where(and(isNull(authSessions.revokedAt), sql`${authSessions.expiresAt} > ${now}`))
    .run().changes;
}

export interface SessionView {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
  userAgent: string | null;
  address: string | null;
  current: boolean;
}

export function listSessions(db: Db, env: Env, key: Buffer, currentId: string | undefined, now: number): SessionView[] {
  const mark = passwordMark(key, env);
  return db
    .select()
    .from(authSessions)
    .where(and(isNull(authSessions.revokedAt), sql`${authSessions.expiresAt} > ${now}`, eq(authSessions.passwordMark, mark)))
    .orderBy(desc(authSessions.lastSeenAt))
    .all()
    .map((s) => ({ id: s.id, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt, userAgent: s.userAgent, address: s.address, current: s.id === currentId }));
}

// ---- API tokens -----------------------------------------------------------------------------

/** A new named token; the whole token is returned once and never stored. */
export function createApiToken(db: Db, name: string, now: number): { id: string; token: string } {
  const clean = name.trim();
  if (!clean || clean.length > 80) throw new InvalidError('Give the token a name (at most 80 characters)');
  const token = `${TOKEN_PREFIX}${crypto.randomBytes(30).toString('base64url')}`;
  const id = crypto.randomUUID();
  db.insert(apiTokens)
    .values({ id, name: clean, tokenHash: hashHex(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6), createdAt: now })
    .run();
  return { id, token };
}

export function revokeApiToken(db: Db, id: string, now: number) {
  const r = db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .run();
  if (r.changes === 0) throw new NotFoundError('token', id);
}

export function listApiTokens(db: Db) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(isNull(apiTokens.revokedAt))
    .orderBy(desc(apiTokens.createdAt))
    .all();
}

function liveToken(db: Db, token: string, now: number) {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return undefined;
  const row = db
    .select()
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashHex(token)))
    .get();
  if (row?.revokedAt !== null) return undefined;
  if (now - (row.lastUsedAt ?? 0) > TOUCH_EVERY_MS) db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  return row;
}

// ---- who is asking --------------------------------------------------------------------------

export type AuthVia = 'open' | 'session' | 'token' | 'none';

export interface AuthResult {
  ok: boolean;
  via: AuthVia;
  /** The session's id (its token's hash), for "this device" and signing out. */
  sessionId?: string;
}

/**
 * Decides whether a request may see anything. With no password or token configured the server
 * only listens on loopback (enforced by env validation) and everything is open.
 */
export function authenticate(env: Env, key: Buffer, db: Db, headers: { cookie?: string | null; authorization?: string | null }, now = Date.now()): AuthResult {
  if (!env.auth.enabled) return { ok: true, via: 'open' };
  const bearer = headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) {
    if (env.auth.apiToken && secretsEqual(bearer, env.auth.apiToken)) return { ok: true, via: 'token' };
    if (liveToken(db, bearer, now)) return { ok: true, via: 'token' };
  }
  const cookie = parseCookies(headers.cookie)[SESSION_COOKIE];
  if (env.auth.password && cookie) {
    const s = liveSession(db, env, key, cookie, now);
    if (s) return { ok: true, via: 'session', sessionId: s.id };
  }
  return { ok: false, via: 'none' };
}
