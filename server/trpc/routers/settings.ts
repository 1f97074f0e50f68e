import { z } from 'zod';
import { getSetting, listSettings } from '../../settings/queries';
import { SettingKeyInput, UpdateSettingsInput } from '../../settings/schemas';
import { procedure, router } from '../init';

export const settingsRouter = router({
  list: procedure.input(z.object({}).optional()).query(({ ctx }) => listSettings(ctx.app.settings)),
  get: procedure.input(SettingKeyInput).query(({ ctx, input }) => getSetting(ctx.app.settings, input.key)),
  update: procedure.input(UpdateSettingsInput).mutation(({ ctx, input }) => {
    ctx.app.settings.update(input.values, ctx.app.clock.now());
    return listSettings(ctx.app.settings);
  }),
});
