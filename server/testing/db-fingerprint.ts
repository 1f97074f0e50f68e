import type { Db } from '../db/client';

/** Every row of every table (FTS shadow tables excluded), to prove that a failed call changed nothing. */
export function dbFingerprint(db: Db): string {
  const tables = db.$client.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'tracks_fts%' ORDER BY name").all() as {
    name: string;
  }[];
  return JSON.stringify(tables.map(({ name }) => [name, db.$client.prepare(`SELECT * FROM "${name}"`).all()]));
}
