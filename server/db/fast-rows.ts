import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from './client';

type Row<T extends SQLiteTable> = Partial<T['$inferInsert']>;

/**
 * Cached prepared statements for rows written by the thousand (scans). Drizzle builds the SQL of
 * every insert anew (~270 µs for a 70-column track row); this prepares one statement per table
 * and column set and encodes values with Drizzle's own column mappers, so booleans, JSON and
 * timestamps are stored exactly as Drizzle would store them. Runs inside the caller's transaction
 * (same connection).
 */
export class FastRows {
  private statements = new Map<string, Database.Statement>();
  private client: Database.Database;

  constructor(db: Db) {
    this.client = db.$client;
  }

  private prepare(key: string, sql: () => string) {
    let st = this.statements.get(key);
    if (!st) {
      st = this.client.prepare(sql());
      this.statements.set(key, st);
    }
    return st;
  }

  private encode<T extends SQLiteTable>(table: T, row: Row<T>, keys: string[]): unknown[] {
    const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
    return keys.map((k) => {
      const v = (row as Record<string, unknown>)[k];
      return v === null || v === undefined ? null : columns[k]!.mapToDriverValue(v);
    });
  }

  /** Inserts a row; with `orIgnore`, a row that would break a unique constraint is skipped. */
  insert<T extends SQLiteTable>(table: T, row: Row<T>, opts: { orIgnore?: boolean } = {}): void {
    const keys = Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined);
    const name = getTableName(table);
    const verb = opts.orIgnore ? 'INSERT OR IGNORE' : 'INSERT';
    const st = this.prepare(
      `${verb}:${name}:${keys.join(',')}`,
      () => `${verb} INTO "${name}" (${keys.map((k) => `"${toSnakeCase(k)}"`).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`,
    );
    st.run(...this.encode(table, row, keys));
  }

  /** Updates the row whose `idKey` column equals `id`; returns how many rows changed. */
  update<T extends SQLiteTable>(table: T, idKey: keyof T['$inferSelect'] & string, id: unknown, row: Row<T>): number {
    const keys = Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined);
    const name = getTableName(table);
    const st = this.prepare(
      `u:${name}:${idKey}:${keys.join(',')}`,
      () => `UPDATE "${name}" SET ${keys.map((k) => `"${toSnakeCase(k)}" = ?`).join(', ')} WHERE "${toSnakeCase(idKey)}" = ?`,
    );
    return st.run(...this.encode(table, row, keys), id).changes;
  }

  /** A cached read statement. */
  get<R>(key: string, sql: string, ...params: unknown[]): R | undefined {
    return this.prepare(`g:${key}`, () => sql).get(...params) as R | undefined;
  }
}
