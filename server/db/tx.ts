import type { Db, Tx } from './client';

/**
 * Runs `fn` in an IMMEDIATE transaction (the write lock is taken up front, so a read-then-write
 * never fails with SQLITE_BUSY_SNAPSHOT when the other process wrote in between). Nested calls
 * become savepoints. Keep it synchronous: no awaits, no file IO inside.
 */
export function writeTx<T>(db: Db, fn: (tx: Tx) => T): T {
  if (db.$client.inTransaction) return db.transaction(fn);
  return db.transaction(fn, { behavior: 'immediate' });
}

/** Runs `fn` in the given transaction, or opens one when handed the database itself. */
export function inWriteTx<T>(ex: Db | Tx, fn: (tx: Db | Tx) => T): T {
  return '$client' in ex ? writeTx(ex, fn) : fn(ex);
}
