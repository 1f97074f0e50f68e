import { z } from 'zod';
import { NotFoundError } from '../errors';
import { SETTINGS, SETTING_KEYS, isSettingKey, type SettingKey } from './registry';
import type { SettingsStore } from './store';

export interface SettingView {
  key: SettingKey;
  value: unknown;
  default: unknown;
  category: string;
  label: string;
  description: string;
  /** JSON Schema of the value, so any client can render an input for it. */
  schema: unknown;
}

function view(store: SettingsStore, key: SettingKey): SettingView {
  const def = SETTINGS[key];
  return { key, value: store.get(key), default: def.default, category: def.category, label: def.label, description: def.description, schema: z.toJSONSchema(def.schema) };
}

export const listSettings = (store: SettingsStore) => SETTING_KEYS.map((k) => view(store, k));

export function getSetting(store: SettingsStore, key: string): SettingView {
  if (!isSettingKey(key)) throw new NotFoundError('setting', key);
  return view(store, key);
}
