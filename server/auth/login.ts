import net from 'node:net';
import type { Db } from '../db/client';
import type { Env } from '../env';
import { InvalidError, PreconditionError, UnauthorizedError } from '../errors';
import { createSession, secretsEqual, type SessionClient } from './session';

export interface LimiterOptions {
  /** Wrong passwords one address may try per window before it must wait. */
  perAddress: number;
  windowMs: number;
  /** Wrong passwords (from anywhere) before every attempt is spaced out. */
  accountFree: number;
  accountWindowMs: number;
  /** Longest spacing between two password checks once the account backs off. */
  maxSpacingMs: number;
  /** Addresses remembered at most (the oldest are forgotten first). */
  maxAddresses: number;
}

const DEFAULTS: LimiterOptions = { perAddress: 5, windowMs: 60_000, accountFree: 10, accountWindowMs: 15 * 60_000, maxSpacingMs: 2_000, maxAddresses: 10_000 };

/** IPv4 as is; IPv6 by its /64 (one machine can use a whole /64). */
export function addressKey(address: string): string {
  if (!net.isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/**
 * Who may try a password, and when. Each client address gets a few tries a minute (a wrong
 * password from one address never locks out another). Beyond that, wrong passwords from
 * anywhere add up for the account: past `accountFree` of them, password checks are spaced out
 * one at a time (at most one waiting per address), so many addresses together gain nothing, and
 * the owner's right password, from any address, still gets in after a short wait.
 */
export class LoginLimiter {
  private failures = new Map<string, number[]>();
  private account: number[] = [];
  private waiting = new Set<string>();
  private nextCheckAt = 0;
  private readonly o: LimiterOptions;

  constructor(options: Partial<LimiterOptions> = {}) {
    this.o = { ...DEFAULTS, ...options };
  }

  /** Milliseconds until this address may try again (0: now). */
  retryAfter(address: string, now = Date.now()): number {
    const key = addressKey(address);
    const recent = (this.failures.get(key) ?? []).filter((t) => now - t < this.o.windowMs);
    if (recent.length) this.failures.set(key, recent);
    else this.failures.delete(key);
    if (recent.length < this.o.perAddress) return 0;
    return this.o.windowMs - (now - recent[0]!);
  }

  /** How far apart password checks are now (0 while the account has few recent failures). */
  spacing(now = Date.now()): number {
    this.account = this.account.filter((t) => now - t < this.o.accountWindowMs);
    const over = this.account.length - this.o.accountFree;
    return over < 0 ? 0 : Math.min(this.o.maxSpacingMs, 100 * 2 ** Math.min(10, over / 2));
  }

  /**
   * Waits for this attempt's turn. Throws when the address already has an attempt waiting.
   * `sleep` is injectable for tests.
   */
  async turn(address: string, now: () => number, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<void> {
    const gap = this.spacing(now());
    if (gap === 0) return;
    const key = addressKey(address);
    if (this.waiting.has(key)) throw new PreconditionError('A sign-in from this address is already waiting; try again in a moment', { retryAfterMs: gap });
    this.waiting.add(key);
    try {
      const at = Math.max(now(), this.nextCheckAt);
      this.nextCheckAt = at + gap;
      if (at > now()) await sleep(at - now());
    } finally {
      this.waiting.delete(key);
    }
  }

  fail(address: string, now = Date.now()) {
    const key = addressKey(address);
    const list = this.failures.get(key) ?? [];
    list.push(now);
    this.failures.delete(key); // re-insert: the map's order is least recently failed first
    this.failures.set(key, list);
    this.account.push(now);
    while (this.failures.size > this.o.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(address: string) {
    this.failures.delete(addressKey(address));
  }

  /** Addresses remembered (for tests and metrics). */
  get size() {
    return this.failures.size;
  }
}

/** Checks the password (limited per address and per account) and opens a server-side session. */
export async function login(
  db: Db,
  env: Env,
  key: Buffer,
  limiter: LoginLimiter,
  client: SessionClient & { address: string },
  password: unknown,
  now: () => number,
): Promise<{ token: string; expiresAt: number }> {
  if (!env.auth.password) throw new PreconditionError('No password is configured on this server');
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) throw new InvalidError('Password is required');
  const wait = limiter.retryAfter(client.address, now());
  if (wait > 0) throw new PreconditionError(`Too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  await limiter.turn(client.address, now);
  if (!secretsEqual(password, env.auth.password)) {
    limiter.fail(client.address, now());
    throw new UnauthorizedError('Wrong password');
  }
  limiter.succeed(client.address);
  return createSession(db, env, key, client, now());
}
