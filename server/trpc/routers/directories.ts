import { browseServerFolders } from '../../library/browse-server';
import { BrowseFolderInput, browseFolder } from '../../library/browse-folder';
import { createDirectory } from '../../library/create-directory';
import { getDirectoryView, listDirectoryViews } from '../../library/queries';
import { removeDirectory } from '../../library/remove-directory';
import { BrowseServerInput, CreateDirectoryInput, DirectoryIdInput, RemoveDirectoryInput, UpdateDirectoryInput } from '../../folders/schemas';
import { updateDirectory } from '../../library/update-directory';
import { enqueueForUser } from '../../jobs/queue';
import { z } from 'zod';
import { procedure, router } from '../init';

export const directoriesRouter = router({
  list: procedure.input(z.object({}).optional()).query(({ ctx }) => listDirectoryViews(ctx.app.db)),
  byId: procedure.input(DirectoryIdInput).query(({ ctx, input }) => getDirectoryView(ctx.app.db, input.id)),
  create: procedure.input(CreateDirectoryInput).mutation(({ ctx, input }) => createDirectory(ctx.app, input)),
  update: procedure.input(UpdateDirectoryInput).mutation(({ ctx, input }) => updateDirectory(ctx.app, input)),
  remove: procedure.input(RemoveDirectoryInput).mutation(({ ctx, input }) => removeDirectory(ctx.app, input)),
  /** Runs as a worker job; the result arrives as `library:media:*` / `library:directory:updated` events. */
  checkAvailability: procedure.input(DirectoryIdInput.partial()).mutation(({ ctx, input }) => {
    if (input.id) getDirectoryView(ctx.app.db, input.id);
    return { jobId: enqueueForUser(ctx.app, 'library.checkAvailability', { directoryId: input.id }, { dedupeKey: `availability:${input.id ?? 'all'}` }).jobId };
  }),
  browseServer: procedure.input(BrowseServerInput).query(({ input }) => browseServerFolders(input)),
  /** A folder of a library folder as the library sees it: sub-folders with counts, and its tracks. */
  browse: procedure.input(BrowseFolderInput).query(({ ctx, input }) => browseFolder(ctx.app.db, input)),
});
