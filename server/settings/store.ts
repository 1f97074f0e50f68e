import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { meta, settings } from '@/drizzle/schema';
import type { Db, Executor } from '../db/client';
import { writeTx } from '../db/tx';
import { appendEvent } from '../events/outbox';
import { InvalidError } from '../errors';
import { SETTINGS, SETTING_KEYS, isSettingKey, type SettingKey, type SettingValue, type SettingValues } from './registry';

const REV_KEY = 'settings_rev';

/** Plain words for the usual zod complaints about a setting's value. */
function describeIssue(i: z.core.$ZodIssue): string {
  if (i.code === 'too_big') return `must be at most ${String(i.maximum)}`;
  if (i.code === 'too_small') return `must be at least ${String(i.minimum)}`;
  if (i.code === 'invalid_type') return `must be a ${i.expected}`;
  if (i.code === 'invalid_value') return `must be one of ${i.values.map(String).join(', ')}`;
  return i.message;
}

function readRev(ex: Executor): number {
  return Number(ex.select({ value: meta.value }).from(meta).where(eq(meta.key, REV_KEY)).get()?.value ?? 0);
}

/**
 * Typed settings with defaults in code. Values are cached per process; every write bumps a shared
 * revision in the database, and a cached value is trusted only while the revision it was read at
 * is current (checked at most every `checkMs`), so a change made by the other process is seen
 * within that time.
 */
export class SettingsStore {
  private cache: SettingValues | undefined;
  private cacheRev = -1;
  private checkedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly opts: { checkMs?: number; now?: () => number } = {},
  ) {}

  private load(): SettingValues {
    const now = (this.opts.now ?? Date.now)();
    if (this.cache && now - this.checkedAt < (this.opts.checkMs ?? 500)) return this.cache;
    const rev = readRev(this.db);
    this.checkedAt = now;
    if (this.cache && rev === this.cacheRev) return this.cache;
    const values = Object.fromEntries(SETTING_KEYS.map((k) => [k, SETTINGS[k].default])) as Record<string, unknown>;
    for (const row of this.db.select().from(settings).all()) {
      if (!isSettingKey(row.key)) continue;
      const parsed = SETTINGS[row.key].schema.safeParse(JSON.parse(row.value));
      if (parsed.success) values[row.key] = parsed.data;
    }
    this.cache = values as SettingValues;
    this.cacheRev = rev;
    return this.cache;
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    return this.load()[key];
  }

  all(): SettingValues {
    return { ...this.load() };
  }

  /** Validates and stores several values at once; emits `settings:updated`. Unknown keys and wrong types are rejected. */
  update(values: Record<string, unknown>, now = Date.now()): SettingValues {
    const entries = Object.entries(values);
    const problems: string[] = [];
    const clean: [SettingKey, unknown][] = [];
    for (const [key, value] of entries) {
      if (!isSettingKey(key)) {
        problems.push(`${key}: unknown setting`);
        continue;
      }
      const parsed = SETTINGS[key].schema.safeParse(value);
      if (!parsed.success) problems.push(`${SETTINGS[key].label} (${key}): ${parsed.error.issues.map(describeIssue).join('; ')}`);
      else clean.push([key, parsed.data]);
    }
    if (problems.length) throw new InvalidError(`Invalid settings: ${problems.join(', ')}`, { problems });
    if (clean.length === 0) return this.all();
    writeTx(this.db, (tx) => {
      for (const [key, value] of clean) {
        tx.insert(settings)
          .values({ key, value: JSON.stringify(value), updatedAt: now })
          .onConflictDoUpdate({ target: settings.key, set: { value: JSON.stringify(value), updatedAt: now } })
          .run();
      }
      tx.insert(meta)
        .values({ key: REV_KEY, value: '1' })
        .onConflictDoUpdate({ target: meta.key, set: { value: sql`cast(${meta.value} as integer) + 1` } })
        .run();
      appendEvent(tx, 'settings:updated', { keys: clean.map(([k]) => k) }, now);
    });
    this.cache = undefined;
    return this.all();
  }

  /** Forgets the cache (tests, or after an event says settings changed). */
  invalidate() {
    this.cache = undefined;
  }
}
