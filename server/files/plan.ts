import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { fileOperations, trashItems } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { writeTx } from '../db/tx';
import { InvalidError, NotFoundError, PreconditionError } from '../errors';
import { directoryById } from '../folders/directories.repo';
import { TrackId } from '../tracks/schemas';
import { journalBatch, queueBatchJob, type PlannedOperation } from './journal';
import { checkName, destinationFolder, freeName, splitExt, trackFile, TRASH_FOLDER, type TrackFile } from './safety';
import { renderTemplate } from './template';

const TrackIds = z.array(TrackId).min(1).max(20_000);
export const MoveInput = z.object({ trackIds: TrackIds, folder: z.string().min(1).max(4096) });
export const RenameInput = z.object({ trackId: TrackId, name: z.string().min(1).max(255) });
export const DeleteInput = z.object({ trackIds: TrackIds, permanent: z.boolean().default(false) });
export const OrganiseInput = z.object({
  trackIds: TrackIds,
  template: z.string().min(1).max(500),
  /** Organise into this folder (absolute, inside a library folder); default: each track's own library folder. */
  folder: z.string().min(1).max(4096).optional(),
});
export const TrashIdsInput = z.object({ itemIds: z.array(z.number().int().positive()).min(1).max(20_000) });
export const EmptyTrashInput = z.object({ itemIds: z.array(z.number().int().positive()).max(20_000).optional(), olderThanDays: z.number().int().min(0).optional() });

export interface PlanItem {
  trackId: string | null;
  title: string | null;
  artist: string | null;
  from: string;
  to: string | null;
  /** Something the DJ should know, e.g. "renamed to avoid overwriting". */
  note?: string;
  /** Why this one will not be done; the rest still are. */
  problem?: string;
  crossDevice?: boolean;
  sizeBytes: number;
}

export interface Plan {
  kind: PlannedOperation['kind'];
  items: PlanItem[];
  ops: PlannedOperation[];
  totalBytes: number;
  summary: string;
}

/** What happens to one track's file: where it goes (or why it cannot), and the operation if any. */
type Decision = Pick<PlanItem, 'to' | 'note' | 'problem' | 'crossDevice'> & { op?: PlannedOperation };

/**
 * Plans per track: each file is checked (present, online, a real file inside its folder) and a
 * track that cannot be touched becomes an item with its problem; the others are up to `decide`.
 */
async function planEach(ctx: AppContext, ids: string[], decide: (f: TrackFile) => Decision) {
  const items: PlanItem[] = [];
  const ops: PlannedOperation[] = [];
  for (const id of ids) {
    let f: TrackFile;
    try {
      f = await trackFile(ctx.db, id);
    } catch (e) {
      if (e instanceof NotFoundError) throw e;
      items.push({ trackId: id, title: null, artist: null, from: '', to: null, problem: (e as Error).message, sizeBytes: 0 });
      continue;
    }
    const { op, ...d } = decide(f);
    items.push({ trackId: f.track.id, title: f.track.title, artist: f.track.artist, from: f.absPath, sizeBytes: f.track.sizeBytes, ...d });
    if (op) ops.push(op);
  }
  return { items, ops };
}

/** Destination names already taken: on disk, or by an earlier item of the same plan. */
function nameClaims() {
  const planned = new Set<string>();
  const listing = new Map<string, Set<string>>();
  const onDisk = (dir: string) => {
    let s = listing.get(dir);
    if (!s) listing.set(dir, (s = new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : [])));
    return s;
  };
  return {
    /** A free path for `want`, suffixed " (2)"… if needed; `self` is the file itself (a no-op). */
    claim(want: string, self?: string): { to: string; renamed: boolean } {
      const dir = path.dirname(want);
      const name = freeName(path.basename(want), (n) => {
        const p = path.join(dir, n);
        return p !== self && (planned.has(p) || onDisk(dir).has(n));
      });
      const to = path.join(dir, name);
      planned.add(to);
      return { to, renamed: to !== want };
    },
  };
}

function finishPlan(kind: Plan['kind'], items: PlanItem[], ops: PlannedOperation[], verb: string): Plan {
  const skipped = items.filter((i) => i.problem).length;
  const totalBytes = ops.reduce((a, o) => a + (o.sizeBytes ?? 0), 0);
  const summary = `${verb} ${ops.length.toLocaleString()} file${ops.length === 1 ? '' : 's'}${skipped ? `; ${skipped} cannot be` : ''}`;
  return { kind, items, ops, totalBytes, summary };
}

function relocation(kind: PlannedOperation['kind'], f: TrackFile, to: string, dstDirectoryId: string): PlannedOperation {
  return {
    kind,
    trackId: f.track.id,
    srcPath: f.absPath,
    dstPath: to,
    srcDirectoryId: f.dir.id,
    dstDirectoryId,
    sizeBytes: f.track.sizeBytes,
    audioHash: f.track.audioHash,
  };
}

export async function planMove(ctx: AppContext, raw: z.input<typeof MoveInput>): Promise<Plan> {
  const input = MoveInput.parse(raw);
  const dest = await destinationFolder(ctx.db, input.folder);
  const claims = nameClaims();
  const { items, ops } = await planEach(ctx, input.trackIds, (f) => {
    const want = path.join(dest.absFolder, f.track.fileName);
    if (want === f.absPath) return { to: want, problem: 'already there' };
    const { to, renamed } = claims.claim(want);
    return {
      to,
      crossDevice: f.dir.id !== dest.dir.id && fs.statSync(f.absPath).dev !== fs.statSync(dest.dir.path).dev,
      note: renamed ? `"${f.track.fileName}" exists there; named "${path.basename(to)}"` : undefined,
      op: relocation('move', f, to, dest.dir.id),
    };
  });
  return finishPlan('move', items, ops, 'Move');
}

export async function planRename(ctx: AppContext, raw: z.input<typeof RenameInput>): Promise<Plan> {
  const input = RenameInput.parse(raw);
  const f = await trackFile(ctx.db, input.trackId);
  const [, ext] = splitExt(f.track.fileName);
  // the extension is kept whatever the DJ types
  const typed = input.name.trim();
  const stem = ext && typed.toLowerCase().endsWith(ext.toLowerCase()) ? typed.slice(0, -ext.length).trim() : typed;
  const name = checkName(`${stem}${ext}`, 'new name');
  const to = path.join(path.dirname(f.absPath), name);
  if (to === f.absPath) throw new InvalidError('that is already its name');
  if (fs.existsSync(to) && to.toLowerCase() !== f.absPath.toLowerCase()) throw new PreconditionError(`"${name}" already exists in that folder; choose another name`);
  const item: PlanItem = { trackId: f.track.id, title: f.track.title, artist: f.track.artist, from: f.absPath, sizeBytes: f.track.sizeBytes, to };
  return finishPlan('rename', [item], [relocation('rename', f, to, f.dir.id)], 'Rename');
}

export async function planDelete(ctx: AppContext, raw: z.input<typeof DeleteInput>, batchId: string): Promise<Plan> {
  const input = DeleteInput.parse(raw);
  const { items, ops } = await planEach(ctx, input.trackIds, (f) => {
    if (!input.permanent) {
      const to = trashPathFor(f.dir.path, batchId, f.track.relPath);
      return { to, op: relocation('trash', f, to, f.dir.id) };
    }
    const op: PlannedOperation = {
      kind: 'delete',
      trackId: f.track.id,
      srcPath: f.absPath,
      srcDirectoryId: f.dir.id,
      sizeBytes: f.track.sizeBytes,
      audioHash: f.track.audioHash,
      meta: { permanent: true },
    };
    return { to: null, note: 'deleted for good: cannot be undone', op };
  });
  return finishPlan(input.permanent ? 'delete' : 'trash', items, ops, input.permanent ? 'Delete for good' : 'Move to trash');
}

/** Where a file goes in its library folder's trash: one folder per batch, the original layout below. */
export const trashPathFor = (dirPath: string, batchId: string, relPath: string) => path.join(dirPath, TRASH_FOLDER, batchId, relPath);

export async function planOrganise(ctx: AppContext, raw: z.input<typeof OrganiseInput>): Promise<Plan> {
  const input = OrganiseInput.parse(raw);
  const base = input.folder ? await destinationFolder(ctx.db, input.folder) : null;
  const claims = nameClaims();
  const { items, ops } = await planEach(ctx, input.trackIds, (f) => {
    const dstDir = base?.dir ?? f.dir;
    const want = path.join(base?.absFolder ?? f.dir.path, renderTemplate(input.template, f.track));
    const { to, renamed } = claims.claim(want, f.absPath);
    if (to === f.absPath) return { to, problem: 'already in place' };
    for (const part of path.relative(dstDir.path, path.dirname(to)).split(path.sep)) if (part) checkName(part, 'folder name');
    return { to, note: renamed ? `another file has that name; named "${path.basename(to)}"` : undefined, op: relocation('move', f, to, dstDir.id) };
  });
  return finishPlan('move', items, ops, 'Organise');
}

/** Restoring trash items: back to where they were, or beside it when that name was taken since. */
export function planRestore(ctx: AppContext, raw: z.input<typeof TrashIdsInput>): Plan {
  const { itemIds } = TrashIdsInput.parse(raw);
  const rows = liveTrash(ctx).filter((r) => itemIds.includes(r.id));
  if (!rows.length) throw new NotFoundError('trash item', itemIds[0]!);
  const claims = nameClaims();
  const items: PlanItem[] = [];
  const ops: PlannedOperation[] = [];
  for (const r of rows) {
    const dir = directoryById(ctx.db, r.directoryId);
    const base = { trackId: r.trackId, title: r.title, artist: r.artist, from: '', sizeBytes: r.sizeBytes };
    if (!dir?.isAvailable) {
      items.push({ ...base, to: null, problem: 'its library folder is offline or gone' });
      continue;
    }
    const from = path.join(dir.path, r.trashRelPath);
    const { to, renamed } = claims.claim(path.join(dir.path, r.originalRelPath));
    items.push({ ...base, from, to, note: renamed ? `its old name is taken; restored as "${path.basename(to)}"` : undefined });
    ops.push({
      kind: 'restore',
      trackId: r.trackId,
      srcPath: from,
      dstPath: to,
      srcDirectoryId: dir.id,
      dstDirectoryId: dir.id,
      sizeBytes: r.sizeBytes,
      meta: { trashItemId: r.id },
    });
  }
  return finishPlan('restore', items, ops, 'Restore');
}

export function planEmptyTrash(ctx: AppContext, raw: z.input<typeof EmptyTrashInput>): Plan {
  const input = EmptyTrashInput.parse(raw);
  const cutoff = input.olderThanDays === undefined ? Infinity : ctx.clock.now() - input.olderThanDays * 86_400_000;
  const rows = liveTrash(ctx).filter((r) => (!input.itemIds || input.itemIds.includes(r.id)) && r.trashedAt <= cutoff);
  const items: PlanItem[] = [];
  const ops: PlannedOperation[] = [];
  for (const r of rows) {
    const dir = directoryById(ctx.db, r.directoryId);
    if (!dir?.isAvailable) continue;
    const from = path.join(dir.path, r.trashRelPath);
    items.push({ trackId: r.trackId, title: r.title, artist: r.artist, from, to: null, sizeBytes: r.sizeBytes, note: 'deleted for good' });
    ops.push({ kind: 'purge', srcPath: from, srcDirectoryId: dir.id, sizeBytes: r.sizeBytes, meta: { trashItemId: r.id, permanent: true } });
  }
  return finishPlan('purge', items, ops, 'Delete for good');
}

/** Writes a plan's operations to the journal and queues the job that carries them out. */
export function commitPlan(ctx: AppContext, plan: Plan, batchId: string = randomUUID()) {
  if (!plan.ops.length) throw new PreconditionError(plan.items[0]?.problem ?? 'nothing to do');
  const now = ctx.clock.now();
  return writeTx(ctx.db, (tx) => {
    journalBatch(tx, batchId, plan.ops, now);
    const { job } = queueBatchJob(tx, batchId, now);
    return { batchId, jobId: job.id, count: plan.ops.length, summary: plan.summary };
  });
}

/** Items in the trash (not restored, not emptied), newest first. */
export function liveTrash(ctx: AppContext) {
  return ctx.db
    .select()
    .from(trashItems)
    .where(and(isNull(trashItems.restoredAt), isNull(trashItems.purgedAt)))
    .orderBy(desc(trashItems.trashedAt), desc(trashItems.id))
    .all();
}

export function listTrash(ctx: AppContext) {
  const rows = liveTrash(ctx);
  return rows.map((r) => {
    const dir = directoryById(ctx.db, r.directoryId);
    return { ...r, snapshot: undefined, directoryName: dir?.name ?? null, directoryPath: dir?.path ?? null, available: !!dir?.isAvailable };
  });
}

export const OperationsInput = z.object({ batchId: z.string().max(100).optional(), limit: z.number().int().min(1).max(500).default(100) });

export function listOperations(ctx: AppContext, raw: z.input<typeof OperationsInput> = {}) {
  const input = OperationsInput.parse(raw);
  return ctx.db
    .select()
    .from(fileOperations)
    .where(input.batchId ? eq(fileOperations.batchId, input.batchId) : undefined)
    .orderBy(desc(fileOperations.id))
    .limit(input.limit)
    .all();
}
