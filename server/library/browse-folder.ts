import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { NotFoundError } from '../errors';
import { mapRow, ROW_COLUMNS_SQL } from '../tracks/track-rows';
import { directoryById } from '../folders/directories.repo';
import { assertRelPath } from '../folders/paths';
import { DirectoryId } from '../folders/schemas';

export const BrowseFolderInput = z.object({ directoryId: DirectoryId, path: z.string().max(4096).default('') });

/**
 * One folder of a library folder, as the library knows it: its sub-folders (with how many tracks
 * and bytes each holds, all levels down) and the tracks directly in it.
 */
export function browseFolder(db: Db, raw: z.input<typeof BrowseFolderInput>) {
  const input = BrowseFolderInput.parse(raw);
  const rel = assertRelPath(input.path, 'Folder');
  const dir = directoryById(db, input.directoryId);
  if (!dir) throw new NotFoundError('library directory', input.directoryId);
  const prefix = rel ? `${rel}/` : '';
  const inside = rel ? sql`t.rel_path > ${prefix} AND t.rel_path < ${`${rel}0`}` : sql`1`;
  const start = prefix.length + 1;
  const folders = db.all<{ name: string; tracks: number; sizeBytes: number; missing: number }>(sql`
    SELECT substr(t.rel_path, ${start}, instr(substr(t.rel_path, ${start}), '/') - 1) AS name,
           count(*) AS tracks, coalesce(sum(t.size_bytes), 0) AS sizeBytes, coalesce(sum(t.is_missing), 0) AS missing
    FROM tracks t
    WHERE t.directory_id = ${dir.id} AND ${inside} AND instr(substr(t.rel_path, ${start}), '/') > 0
    GROUP BY name ORDER BY name COLLATE NOCASE`);
  const files = db
    .all<Record<string, unknown>>(
      sql`SELECT ${sql.raw(ROW_COLUMNS_SQL)} FROM tracks t WHERE t.directory_id = ${dir.id} AND ${inside} AND instr(substr(t.rel_path, ${start}), '/') = 0 ORDER BY t.rel_path COLLATE NOCASE`,
    )
    .map(mapRow);
  const crumbs = rel ? rel.split('/').map((name, i, all) => ({ name, path: all.slice(0, i + 1).join('/') })) : [];
  return { directory: { id: dir.id, name: dir.name, path: dir.path }, path: rel, crumbs, folders: folders.map((f) => ({ ...f, path: prefix + f.name })), tracks: files };
}
