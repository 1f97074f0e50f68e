import { sqliteTable, text, integer, real, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { bool, ms } from './columns';
import { tracks } from './tracks';

export const hotCues = sqliteTable(
  'hot_cues',
  {
    id: text().primaryKey(),
    trackId: text()
      .notNull()
      .references(() => tracks.id, { onDelete: 'cascade' }),
    cueIndex: integer().notNull(),
    positionSec: real().notNull(),
    name: text(),
    color: text(),
    isLoop: bool().notNull().default(false),
    loopEndSec: real(),
    source: text().notNull().default('user'),
    createdAt: ms().notNull(),
    updatedAt: ms().notNull(),
  },
  (t) => [uniqueIndex('hot_cues_track_index_source_uq').on(t.trackId, t.cueIndex, t.source)],
);

export type HotCue = typeof hotCues.$inferSelect;
