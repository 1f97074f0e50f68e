import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { ms } from './columns';

/**
 * Browser sign-ins, kept on the server so signing out (or "sign out everywhere", or a new
 * password) ends them. The cookie holds a random token; only its SHA-256 is stored.
 */
export const authSessions = sqliteTable(
  'auth_sessions',
  {
    /** SHA-256 (hex) of the cookie token. */
    id: text().primaryKey(),
    createdAt: ms().notNull(),
    lastSeenAt: ms().notNull(),
    expiresAt: ms().notNull(),
    userAgent: text(),
    address: text(),
    /** Which password signed it in (a keyed hash): a changed MISMO_PASSWORD ends every session. */
    passwordMark: text().notNull(),
    revokedAt: ms(),
  },
  (t) => [index('auth_sessions_expires_idx').on(t.expiresAt)],
);

/** Named API tokens for other tools: shown once when created, stored hashed, revocable. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text().primaryKey(),
  name: text().notNull(),
  /** SHA-256 (hex) of the whole token. */
  tokenHash: text().notNull().unique(),
  /** The token's first characters, to recognise it in the list. */
  prefix: text().notNull(),
  createdAt: ms().notNull(),
  lastUsedAt: ms(),
  revokedAt: ms(),
});

export type AuthSession = typeof authSessions.$inferSelect;
export type ApiToken = typeof apiTokens.$inferSelect;
