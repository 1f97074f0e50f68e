import { DuplicateGroupIdInput, ListDuplicatesInput, getDuplicateGroup, listDuplicateGroups } from '../../duplicates/queries';
import { procedure, router } from '../init';

export const duplicatesRouter = router({
  list: procedure.input(ListDuplicatesInput).query(({ ctx, input }) => listDuplicateGroups(ctx.app.db, input)),
  byId: procedure.input(DuplicateGroupIdInput).query(({ ctx, input }) => getDuplicateGroup(ctx.app.db, input.id)),
});
