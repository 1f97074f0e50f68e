import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { duplicateGroups, fileOperations, hotCues, playlists, playlistTracks, trackExclusions, tracks } from '@/drizzle/schema';
import type { AppContext } from '../context';
import { hashWholeFile } from '../files/disk';
import { listTrash } from '../files/plan';
import { runBatch } from '../files/run-batch';
import { scanNow } from '../scan/testing';
import { fixtureSuite } from '../testing/fixture-suite';
import { setUserCue } from '../hotcues/hot-cues';
import { removeTracksTx } from '../tracks/remove-tracks-tx';
import { applyResolution, previewResolution, previewResolveAll, rankMembers, resolveAll, undoResolution } from './resolve';

const suite = fixtureSuite({ n: 8, seed: 23, edgeCases: false });

async function inventory(root: string) {
  const out: string[] = [];
  for (const rel of fs.readdirSync(root, { recursive: true }) as string[]) {
    const p = path.join(root, rel);
    if (fs.lstatSync(p).isFile()) out.push(`${rel.replace(/^\.mismo-trash\/[^/]+\//, '')}=${await hashWholeFile(p)}`);
  }
  return out.sort();
}

/** Library rows a resolution touches, in a form to compare before and after. */
function state(ctx: AppContext) {
  return {
    tracks: ctx.db
      .select()
      .from(tracks)
      .orderBy(tracks.id)
      .all()
      .map(({ updatedAt: _u, ...t }) => t),
    cues: ctx.db.select().from(hotCues).orderBy(hotCues.id).all(),
    entries: ctx.db.select().from(playlistTracks).orderBy(playlistTracks.id).all(),
    exclusions: ctx.db.select().from(trackExclusions).all(),
    groups: ctx.db.select({ id: duplicateGroups.id, status: duplicateGroups.status, memberCount: duplicateGroups.memberCount }).from(duplicateGroups).all(),
  };
}

/** A library where the first file has two copies: a byte copy in another folder and one more. */
async function withDuplicates() {
  const s = await suite.scanned({
    prepare: (root) => {
      const first = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.(mp3|flac|m4a|ogg|wav)$/i.test(f)).sort()[0]!;
      fs.mkdirSync(path.join(root, 'Copies'), { recursive: true });
      fs.copyFileSync(path.join(root, first), path.join(root, 'Copies', `copy ${path.basename(first)}`));
      fs.copyFileSync(path.join(root, first), path.join(root, 'Copies', `another ${path.basename(first)}`));
    },
  });
  const group = s.ctx.db
    .select()
    .from(duplicateGroups)
    .all()
    .find((g) => g.memberCount === 3)!;
  const members = s.ctx.db.select().from(tracks).where(eq(tracks.duplicateGroupId, group.id)).orderBy(tracks.relPath).all();
  return { ...s, group, members };
}

function decorate(ctx: AppContext, members: { id: string }[]) {
  const [a, b, c] = members;
  ctx.db.update(tracks).set({ title: null, label: null, comment: null, tagBpm: null, bpm: null, rating: 2, playCount: 3 }).where(eq(tracks.id, a!.id)).run();
  ctx.db.update(tracks).set({ title: 'The Real Title', label: 'Dancefloor Records', tagBpm: 126.5, rating: 4, playCount: 5, comment: 'from b' }).where(eq(tracks.id, b!.id)).run();
  ctx.db.update(tracks).set({ rating: 1, playCount: 1 }).where(eq(tracks.id, c!.id)).run();
  ctx.db
    .insert(hotCues)
    .values([
      { id: 'a0', trackId: a!.id, cueIndex: 0, positionSec: 1, name: 'A intro', createdAt: 1, updatedAt: 1 },
      { id: 'b0', trackId: b!.id, cueIndex: 0, positionSec: 2, name: 'B intro', createdAt: 1, updatedAt: 1 },
      { id: 'b3', trackId: b!.id, cueIndex: 3, positionSec: 64, name: 'B drop', color: '#00ff00', createdAt: 1, updatedAt: 1 },
    ])
    .run();
  ctx.db
    .insert(playlists)
    .values([
      { id: 'set', name: 'Friday', type: 'static', createdAt: 1, updatedAt: 1 },
      { id: 'gig', name: 'Gig log', type: 'session', createdAt: 1, updatedAt: 1 },
    ])
    .run();
  ctx.db
    .insert(playlistTracks)
    .values([
      { playlistId: 'set', trackId: b!.id, position: 0, addedAt: 1, notes: 'b first' },
      { playlistId: 'set', trackId: a!.id, position: 1, addedAt: 1 },
      { playlistId: 'set', trackId: c!.id, position: 2, addedAt: 1 },
      { playlistId: 'gig', trackId: a!.id, position: 0, addedAt: 1, playedAt: 100 },
      { playlistId: 'gig', trackId: c!.id, position: 1, addedAt: 1, playedAt: 200 },
    ])
    .run();
}

describe('duplicate resolution', () => {
  it('ranks copies by the rule: lossless, bitrate, sample rate, folder priority, earliest added', () => {
    const m = (id: string, o: Record<string, unknown>) =>
      ({ id, relPath: id, isLossless: false, bitrate: 320_000, sampleRate: 44_100, bitDepth: null, directoryPriority: 0, dateAdded: 5, playCount: 0, rating: 0, ...o }) as never;
    const rule = ['lossless', 'bitrate', 'sampleRate', 'directoryPriority', 'earliestAdded'] as const;
    expect(rankMembers([m('mp3', {}), m('flac', { isLossless: true, bitrate: 900_000 })], rule)[0]).toMatchObject({ id: 'flac' });
    expect(rankMembers([m('128', { bitrate: 128_000 }), m('320', {})], rule)[0]).toMatchObject({ id: '320' });
    expect(rankMembers([m('new', { dateAdded: 9 }), m('old', { dateAdded: 1 })], rule)[0]).toMatchObject({ id: 'old' });
    expect(rankMembers([m('usb', { directoryPriority: -1, dateAdded: 1 }), m('main', { directoryPriority: 5, dateAdded: 9 })], rule)[0]).toMatchObject({ id: 'main' });
  });

  it('previews exactly what resolving will do, then merges into the kept copy', async () => {
    const { ctx, group, members } = await withDuplicates();
    decorate(ctx, members);
    const [a, b, c] = members;
    const plan = previewResolution(ctx, { groupId: group.id, canonicalTrackId: a!.id, fileAction: 'keep' });
    expect(plan.fills.map((f) => f.field)).toEqual(expect.arrayContaining(['title', 'label', 'comment']));
    expect(plan.rating).toEqual({ before: 2, after: 4 });
    expect(plan.playCount).toEqual({ before: 3, after: 9 });
    expect(plan.hotCues).toEqual({ moved: 1, dropped: 1 });
    expect(plan.playlistEntries).toMatchObject({ repointed: 2, removedAsDuplicate: 2, playlists: ['Friday', 'Gig log'] });
    expect(plan.sentences.join(' ')).toMatch(/Keep .*chosen by hand/);

    applyResolution(ctx, { groupId: group.id, canonicalTrackId: a!.id, fileAction: 'keep' });
    const kept = ctx.db.select().from(tracks).where(eq(tracks.id, a!.id)).get()!;
    expect(kept).toMatchObject({ title: 'The Real Title', label: 'Dancefloor Records', rating: 4, playCount: 9 });
    // a filled tag BPM is what the library shows (no analysis yet), as after an edit
    expect(kept).toMatchObject({ tagBpm: 126.5, bpm: 126.5 });
    expect(kept.editedFields).toEqual(expect.arrayContaining(['title', 'label']));
    expect(ctx.db.select().from(tracks).where(eq(tracks.id, b!.id)).get()).toBeUndefined();
    expect(
      ctx.db
        .select()
        .from(hotCues)
        .where(eq(hotCues.trackId, a!.id))
        .all()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['A intro', 'B drop']);
    // the static playlist lists the kept copy once, where the first copy was; the gig log keeps both plays
    const set = ctx.db.select().from(playlistTracks).where(eq(playlistTracks.playlistId, 'set')).orderBy(playlistTracks.position).all();
    expect(set.map((e) => [e.trackId, e.position, e.notes])).toEqual([[a!.id, 0, 'b first']]);
    const gig = ctx.db.select().from(playlistTracks).where(eq(playlistTracks.playlistId, 'gig')).orderBy(playlistTracks.position).all();
    expect(gig.map((e) => [e.trackId, e.playedAt])).toEqual([
      [a!.id, 100],
      [a!.id, 200],
    ]);
    expect(ctx.db.select().from(duplicateGroups).where(eq(duplicateGroups.id, group.id)).get()).toMatchObject({ status: 'resolved', canonicalTrackId: a!.id });
    // kept files stay on disk and out of the library: a rescan does not bring them back
    expect(ctx.db.select().from(trackExclusions).all()).toHaveLength(2);
    expect((await scanNow(ctx, a!.directoryId!)).stats.added).toBe(0);
    expect(c).toBeDefined();
  });

  it('resolving with the trash and undoing it restores tags, cues, playlist entries and files exactly', async () => {
    const { ctx, t, root, group, members } = await withDuplicates();
    decorate(ctx, members);
    const before = state(ctx);
    const filesBefore = await inventory(root);

    const plan = previewResolution(ctx, { groupId: group.id, fileAction: 'trash' });
    expect(plan.others).toHaveLength(2);
    expect(plan.undoable).toBe(true);
    const { resolutionId, batchId } = applyResolution(ctx, { groupId: group.id, fileAction: 'trash' });
    expect(() => undoResolution(ctx, resolutionId)).toThrow(/still being moved/);
    await runBatch(ctx, batchId!);
    expect(listTrash(ctx).map((t) => t.reason)).toEqual(['duplicate', 'duplicate']);
    for (const o of plan.others) expect(fs.existsSync(o.path)).toBe(false);
    expect(await inventory(root)).toEqual(filesBefore); // the same bytes, two of them in the trash
    expect(t.events().some((e) => e.type === 'duplicate:resolved')).toBe(true);

    const { restoreBatchId } = undoResolution(ctx, resolutionId);
    await runBatch(ctx, restoreBatchId!);
    expect(state(ctx)).toEqual(before);
    expect(await inventory(root)).toEqual(filesBefore);
    for (const o of plan.others) expect(fs.existsSync(o.path)).toBe(true);
    expect(listTrash(ctx)).toEqual([]);
    expect(() => undoResolution(ctx, resolutionId)).toThrow(/already undone/);
  });

  it('undo puts back what the resolution changed and keeps what happened to the kept copy since (its move, a new cue, a new rating)', async () => {
    const { ctx, group, members } = await withDuplicates();
    decorate(ctx, members);
    const plan = previewResolution(ctx, { groupId: group.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    const { resolutionId } = applyResolution(ctx, { groupId: group.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    const kept = plan.canonical.id;
    const before = ctx.db.select().from(tracks).where(eq(tracks.id, kept)).get()!;
    expect(before.title).toBe('The Real Title'); // filled from b
    // since the resolution: the kept copy was moved, got a new cue, and a new rating
    ctx.db
      .update(tracks)
      .set({ relPath: `Moved/${before.fileName}`, rating: 5 })
      .where(eq(tracks.id, kept))
      .run();
    setUserCue(ctx.db, { trackId: kept, index: 6, positionSec: 30, name: 'added later' }, ctx.clock.now());

    undoResolution(ctx, resolutionId);
    const after = ctx.db.select().from(tracks).where(eq(tracks.id, kept)).get()!;
    expect(after).toMatchObject({ relPath: `Moved/${before.fileName}`, rating: 5, title: null, label: null, playCount: 3 });
    const cues = ctx.db.select().from(hotCues).all();
    expect(
      cues
        .filter((c) => c.trackId === kept)
        .map((c) => c.name)
        .sort(),
    ).toEqual(['A intro', 'added later']);
    // b's cues went back to b
    expect(
      cues
        .filter((c) => c.trackId === members[1]!.id)
        .map((c) => c.id)
        .sort(),
    ).toEqual(['b0', 'b3']);
  });

  it('undo goes back in order: a later resolution that took in the same tracks must be undone first', async () => {
    const { ctx, root, dir, group, members } = await withDuplicates();
    const first = applyResolution(ctx, { groupId: group.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    // another copy of the kept one arrives and is resolved too
    fs.copyFileSync(path.join(root, members[0]!.relPath), path.join(root, 'Copies', `third ${members[0]!.fileName}`));
    await scanNow(ctx, dir.id);
    const again = ctx.db.select().from(duplicateGroups).where(eq(duplicateGroups.status, 'open')).all();
    expect(again).toHaveLength(1);
    const second = applyResolution(ctx, { groupId: again[0]!.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    expect(() => undoResolution(ctx, first.resolutionId)).toThrow(new RegExp(`later resolution \\(#${second.resolutionId}\\).*undo that one first`));
    undoResolution(ctx, second.resolutionId);
    undoResolution(ctx, first.resolutionId);
    // all four copies are in the library again, in one group
    expect(ctx.db.select().from(tracks).where(eq(tracks.duplicateGroupId, group.id)).all()).toHaveLength(4);
  });

  it('undo refuses, changing nothing, when the old place of a copy holds another track now', async () => {
    const { ctx, dir, group, members } = await withDuplicates();
    const { resolutionId, plan } = applyResolution(ctx, { groupId: group.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    // the kept-out file is let back in and scanned: a new track at the other copy's path
    ctx.db.delete(trackExclusions).where(eq(trackExclusions.directoryId, dir.id)).run();
    await scanNow(ctx, dir.id);
    const before = state(ctx);
    expect(() => undoResolution(ctx, resolutionId)).toThrow(/in the library again as another track/);
    expect(state(ctx)).toEqual(before);
    expect(plan.others.length).toBe(2);
  });

  it('undo refuses, changing nothing, when the kept copy is gone from the library since (its cues and entries have nowhere to come from)', async () => {
    const { ctx, group, members } = await withDuplicates();
    decorate(ctx, members);
    const { resolutionId } = applyResolution(ctx, { groupId: group.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    // the kept copy is removed from the library (as the trash or a cleanup does)
    ctx.db.transaction((tx) => removeTracksTx(tx, [members[0]!.id], ctx.clock.now()));
    const before = state(ctx);
    expect(() => undoResolution(ctx, resolutionId)).toThrow(/kept is no longer in the library/);
    expect(state(ctx)).toEqual(before);
  });

  it('undo leaves as it is an entry of its playlists whose track has left the library since (a placeholder now)', async () => {
    const { ctx, group, members } = await withDuplicates();
    decorate(ctx, members);
    const other = ctx.db
      .select()
      .from(tracks)
      .all()
      .find((t) => !members.some((m) => m.id === t.id))!;
    ctx.db.insert(playlistTracks).values({ playlistId: 'set', trackId: other.id, position: 3, addedAt: 1 }).run();
    const { resolutionId } = applyResolution(ctx, { groupId: group.id, canonicalTrackId: members[0]!.id, fileAction: 'keep' });
    // another track of the same playlist leaves the library (trash, cleanup): its entry becomes a placeholder
    ctx.db.transaction((tx) => removeTracksTx(tx, [other.id], ctx.clock.now()));
    undoResolution(ctx, resolutionId);
    const entries = ctx.db.select().from(playlistTracks).where(eq(playlistTracks.playlistId, 'set')).all();
    expect(entries.map((e) => e.trackId).sort()).toEqual([...members.map((m) => m.id), null].sort());
    expect(entries.find((e) => e.trackId === null)?.placeholder).toMatchObject({ title: other.title });
  });

  it('batch-resolves every open group by the rule, with a preview first', async () => {
    const { ctx, group } = await withDuplicates();
    const open = ctx.db.select().from(duplicateGroups).where(eq(duplicateGroups.status, 'open')).all().length;
    const preview = previewResolveAll(ctx, { fileAction: 'keep' });
    expect(preview.groups).toBe(open);
    expect(preview.files).toBeGreaterThanOrEqual(2);
    const result = await resolveAll(ctx, { fileAction: 'keep' });
    expect(result).toMatchObject({ resolved: open, failed: [], files: preview.files, bytes: preview.bytes });
    expect(ctx.db.select().from(duplicateGroups).where(eq(duplicateGroups.id, group.id)).get()?.status).toBe('resolved');
    expect(() => applyResolution(ctx, { groupId: group.id })).toThrow(/already resolved/);
  });

  it('batch-resolving into the trash is one batch of file operations, and the trash says what each file was', async () => {
    const { ctx, members } = await withDuplicates();
    const result = await resolveAll(ctx, { fileAction: 'trash' });
    expect(result.failed).toEqual([]);
    const batches = ctx.db.selectDistinct({ b: fileOperations.batchId }).from(fileOperations).all();
    expect(batches).toHaveLength(1);
    await runBatch(ctx, batches[0]!.b!);
    const trash = listTrash(ctx);
    expect(trash).toHaveLength(result.files);
    expect(trash.every((i) => i.title)).toBe(true);
    expect(trash.map((i) => i.title)).toContain(members[0]!.title);
  });

  it('keeps the copy the rule in Settings picks', async () => {
    const { ctx, group, members } = await withDuplicates();
    const most = members[2]!;
    ctx.db.update(tracks).set({ playCount: 7 }).where(eq(tracks.id, most.id)).run();
    expect(previewResolution(ctx, { groupId: group.id }).canonical.id).not.toBe(most.id);
    ctx.settings.update({ 'duplicates.canonicalRule': ['mostPlayed', 'lossless'] }, ctx.clock.now());
    expect(previewResolution(ctx, { groupId: group.id }).canonical).toMatchObject({ id: most.id, reason: 'played most' });
  });

  it('refuses to undo a permanent delete, and says so in the preview', async () => {
    const { ctx, group } = await withDuplicates();
    const plan = previewResolution(ctx, { groupId: group.id, fileAction: 'delete' });
    expect(plan.undoable).toBe(false);
    expect(plan.sentences.at(-1)).toMatch(/cannot be undone/);
    const { resolutionId, batchId } = applyResolution(ctx, { groupId: group.id, fileAction: 'delete' });
    await runBatch(ctx, batchId!);
    for (const o of plan.others) expect(fs.existsSync(o.path)).toBe(false);
    expect(fs.existsSync(plan.canonical.path)).toBe(true);
    expect(() => undoResolution(ctx, resolutionId)).toThrow(/cannot be undone/);
  });
});
