import { z } from 'zod';

export const SettingKeyInput = z.object({ key: z.string().min(1).max(100) });
export const UpdateSettingsInput = z.object({ values: z.record(z.string().min(1).max(100), z.unknown()) }).refine((v) => Object.keys(v.values).length > 0, 'nothing to update');
