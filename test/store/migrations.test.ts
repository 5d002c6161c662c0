import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { Store } from '../../src/store/store.js';
import { now, smallElection, testKeys } from '../support/fixtures.js';
import { tempDir } from '../support/stores.js';

const entriesSql = (db: Database.Database) =>
  (db.prepare("SELECT sql FROM sqlite_master WHERE name = 'entries'").get() as { sql: string }).sql;

describe('SQLite migration 0004 (the entries kind check written with =)', () => {
  it('rebuilds a store made before it: same rows in order, guards, index and check kept, still verifies', async () => {
    const election = await smallElection(300, 1);
    const keys = testKeys();
    const file = path.join(tempDir(), 'store.db');
    let store = await Store.open({ sqlitePath: file });
    await loadElectionFile(store, election.definition, readFileSync(election.definition), {
      signer: keys.signer,
      now,
    });
    await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
    await store.close();

    // Put the store back as migration 0003 left it: entries checked with IN (…), 0004 not yet applied.
    const raw = new Database(file);
    raw.exec(`
      DROP TRIGGER entries_no_update; DROP TRIGGER entries_no_delete; DROP INDEX entries_cvr;
      ALTER TABLE entries RENAME TO entries_before;
      CREATE TABLE "entries" ("seq" integer primary key, "kind" text not null check (kind in ('cvr', 'event', 'audit')), "jurisdiction" text, "cvr_id" text, "import_id" integer, "body" blob not null);
      INSERT INTO entries SELECT * FROM entries_before ORDER BY seq; DROP TABLE entries_before;
      CREATE UNIQUE INDEX "entries_cvr" on "entries" ("jurisdiction", "cvr_id");
      CREATE TRIGGER entries_no_update BEFORE UPDATE ON entries BEGIN SELECT RAISE(ABORT, 'entries is append-only'); END;
      CREATE TRIGGER entries_no_delete BEFORE DELETE ON entries BEGIN SELECT RAISE(ABORT, 'entries is append-only'); END;
      DELETE FROM kysely_migration WHERE name = '0004_cheaper_kind_check';`);
    expect(entriesSql(raw)).toContain("kind in ('cvr', 'event', 'audit')");
    const before = raw
      .prepare('SELECT seq, kind, jurisdiction, cvr_id, import_id, body FROM entries ORDER BY seq')
      .all();
    raw.close();

    store = await Store.open({ sqlitePath: file });
    try {
      const verified = await verifyStore(store, keys.verifier);
      expect(verified.failures).toEqual([]);
      expect(verified.cvrs).toBe(300);
    } finally {
      await store.close();
    }
    const after = new Database(file);
    try {
      expect(entriesSql(after)).toContain("kind = 'cvr' or kind = 'event' or kind = 'audit'");
      expect(
        after
          .prepare('SELECT seq, kind, jurisdiction, cvr_id, import_id, body FROM entries ORDER BY seq')
          .all(),
      ).toEqual(before);
      expect(() => after.exec("UPDATE entries SET kind = 'event' WHERE seq = 1")).toThrow(/append-only/);
      expect(() => after.exec('DELETE FROM entries WHERE seq = 1')).toThrow(/append-only/);
      expect(() =>
        after.exec("INSERT INTO entries (seq, kind, body) VALUES (100000, 'forged', x'00')"),
      ).toThrow(/CHECK constraint/);
      expect(() =>
        after.exec(
          'INSERT INTO entries (seq, kind, jurisdiction, cvr_id, body) SELECT 100001, kind, jurisdiction, cvr_id, body FROM entries WHERE seq = 1',
        ),
      ).toThrow(/UNIQUE constraint/);
    } finally {
      after.close();
    }
  });
});
