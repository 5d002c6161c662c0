import { existsSync, rmSync } from 'node:fs';
import type { Command } from 'commander';
import type { StoreLocation } from '../store/database.js';
import { Store } from '../store/store.js';
import { CliFailure, inform } from './output.js';

export interface StoreFlags {
  db?: string;
  databaseUrl?: string;
}

/** --db PATH (SQLite, the default) or --database-url / DATABASE_URL (PostgreSQL). */
export const withStoreOptions = (cmd: Command): Command =>
  cmd
    .option('--db <path>', 'SQLite store file (the embedded default)')
    .option('--database-url <url>', 'PostgreSQL connection URL (default: $DATABASE_URL)');

export function storeLocation(flags: StoreFlags): StoreLocation {
  if (flags.db)
    return {
      sqlitePath: flags.db,
      onWriterWait: () => inform('Another command is writing to this store: waiting for it to finish…'),
    };
  const url = flags.databaseUrl ?? process.env.DATABASE_URL;
  if (url) return { databaseUrl: url };
  throw new CliFailure('no store given: pass --db PATH (SQLite) or --database-url URL (PostgreSQL)');
}

/** Opens the store for fn; only commands that record something may create a new SQLite file. */
export async function withStore<T>(
  flags: StoreFlags,
  fn: (store: Store) => Promise<T>,
  create = false,
): Promise<T> {
  const where = storeLocation(flags);
  const newFile = where.sqlitePath !== undefined && !existsSync(where.sqlitePath);
  if (newFile && !create) throw new CliFailure(`no store at ${where.sqlitePath}`);
  let store: Store | undefined;
  try {
    store = await Store.open(where);
    return await fn(store);
  } catch (e) {
    // A store file this command created and then failed to fill is not left behind as an empty store.
    if (newFile && where.sqlitePath) {
      await store?.close();
      store = undefined;
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        rmSync(`${where.sqlitePath}${suffix}`, { force: true });
    }
    throw e;
  } finally {
    await store?.close();
  }
}
