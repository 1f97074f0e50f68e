import crypto from 'node:crypto';
import os from 'node:os';

/** Lease owner tokens: `host:pid:boot`. */
export function makeOwnerId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether a lease owner is certainly gone: a process on this host that no longer exists, or an
 * earlier incarnation that had our pid. Owners on other hosts are left to lease expiry.
 */
export function isOwnerDead(owner: string, self: string): boolean {
  if (owner === self) return false;
  const [host, pidText] = owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid)) return false;
  if (pid === process.pid) return true;
  return !isAlive(pid);
}
