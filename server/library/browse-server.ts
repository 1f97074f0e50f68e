import fs from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvalidError } from '../errors';
import { assertCleanPath, realpathOrInvalid } from '../folders/paths';
import { BrowseServerInput } from '../folders/schemas';

export interface ServerFolder {
  name: string;
  path: string;
  readable: boolean;
}

export interface ServerFolderListing {
  path: string;
  parent: string | null;
  folders: ServerFolder[];
  shortcuts: { label: string; path: string }[];
}

/** Lists the folders at a server path, for the "add folder" picker. Files are not listed. */
export async function browseServerFolders(raw: BrowseServerInput): Promise<ServerFolderListing> {
  const input = BrowseServerInput.parse(raw);
  const requested = input.path?.trim() || os.homedir();
  assertCleanPath(requested, 'Path');
  if (!path.isAbsolute(requested)) throw new InvalidError('Path must be absolute');
  const real = await realpathOrInvalid(requested, 'Path');
  const st = await fs.stat(real);
  if (!st.isDirectory()) throw new InvalidError(`Not a directory: ${real}`);
  let entries: Dirent[];
  try {
    entries = await fs.readdir(real, { withFileTypes: true });
  } catch (e) {
    throw new InvalidError(`Cannot list ${real}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const folders: ServerFolder[] = [];
  for (const e of entries) {
    if (!input.showHidden && e.name.startsWith('.')) continue;
    const full = path.join(real, e.name);
    let isDir = e.isDirectory();
    if (e.isSymbolicLink())
      isDir = await fs.stat(full).then(
        (s) => s.isDirectory(),
        () => false,
      );
    if (!isDir) continue;
    const readable = await fs.access(full, fs.constants.R_OK | fs.constants.X_OK).then(
      () => true,
      () => false,
    );
    folders.push({ name: e.name, path: full, readable });
  }
  folders.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }));
  const shortcuts = [{ label: 'Home', path: os.homedir() }];
  for (const p of ['/media', '/run/media', '/mnt', '/srv', '/']) {
    if (
      await fs.stat(/*turbopackIgnore: true*/ p).then(
        (s) => s.isDirectory(),
        () => false,
      )
    )
      shortcuts.push({ label: p, path: p });
  }
  return { path: real, parent: real === '/' ? null : path.dirname(real), folders, shortcuts };
}
