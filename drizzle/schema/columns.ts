import { integer } from 'drizzle-orm/sqlite-core';

/** Integer milliseconds since the Unix epoch, UTC. Every time in the database uses this. */
export const ms = () => integer();
/** 0/1 integer read back as a boolean. */
export const bool = () => integer({ mode: 'boolean' });
