import type { Env } from '../env';
import { InvalidError, PreconditionError, UnauthorizedError } from '../errors';
import { secretsEqual, signSession } from './session';

/** Failed logins per client address, in a sliding window. */
export class LoginLimiter {
  private failures = new Map<string, number[]>();
  constructor(
    private readonly max = 5,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until the client may try again (0: now). */
  retryAfter(client: string, now = Date.now()): number {
    const recent = (this.failures.get(client) ?? []).filter((t) => now - t < this.windowMs);
    this.failures.set(client, recent);
    if (recent.length < this.max) return 0;
    return this.windowMs - (now - recent[0]!);
  }

  fail(client: string, now = Date.now()) {
    const list = this.failures.get(client) ?? [];
    list.push(now);
    this.failures.set(client, list);
  }

  succeed(client: string) {
    this.failures.delete(client);
  }
}

/** Checks the password (rate-limited per client) and returns a fresh session token. */
export function login(env: Env, key: Buffer, limiter: LoginLimiter, client: string, password: unknown, now = Date.now()): { token: string; expiresAt: number } {
  if (!env.auth.password) throw new PreconditionError('No password is configured on this server');
  const wait = limiter.retryAfter(client, now);
  if (wait > 0) throw new PreconditionError(`Too many failed attempts; try again in ${Math.ceil(wait / 1000)} s`, { retryAfterMs: wait });
  if (typeof password !== 'string' || password.length === 0 || password.length > 1024) throw new InvalidError('Password is required');
  if (!secretsEqual(password, env.auth.password)) {
    limiter.fail(client, now);
    throw new UnauthorizedError('Wrong password');
  }
  limiter.succeed(client);
  const expiresAt = now + env.auth.sessionTtlMs;
  return { token: signSession(key, expiresAt), expiresAt };
}
