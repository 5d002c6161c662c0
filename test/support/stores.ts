/** The backends every store test runs against: SQLite always, PostgreSQL when the harness started one. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { StoreLocation } from '../../src/store/database.js';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A new, empty store location. */
  readonly fresh: () => Promise<StoreLocation>;
}

export const tempDir = (prefix = 'tallyproof-test-') => mkdtempSync(path.join(os.tmpdir(), prefix));

let dbCounter = 0;

export function backends(): Backend[] {
  const list: Backend[] = [
    { name: 'sqlite', fresh: async () => ({ sqlitePath: path.join(tempDir(), 'store.db') }) },
  ];
  const admin = inject('pgAdminUrl');
  if (admin) {
    list.push({
      name: 'postgres',
      fresh: async () => {
        const name = `t_${process.pid}_${Date.now()}_${dbCounter++}`;
        const client = new pg.Client({ connectionString: admin });
        await client.connect();
        await client.query(`CREATE DATABASE ${name}`);
        await client.end();
        const url = new URL(admin);
        url.pathname = `/${name}`;
        return { databaseUrl: url.toString() };
      },
    });
  } else
    console.warn(
      'SKIPPED the PostgreSQL backend in this file: no server (see test/support/postgres-global-setup.ts)',
    );
  return list;
}
