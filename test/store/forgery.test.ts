/**
 * The office's key never signs what its command did not write. A database user with INSERT rights and no key
 * (a real SELECT/INSERT-only role on PostgreSQL; rows written straight into the file on SQLite) plants rows
 * after the last signed checkpoint; the office's next routine import must refuse to sign over them, name
 * them, store nothing, and `verify --db` must call them an intrusion.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile, parseDefinition } from '../../src/app/load-election.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { encodeCvr, encodeEvent } from '../../src/core/entries.js';
import { signCheckpoint } from '../../src/core/log/checkpoint.js';
import { generateKey, parseSignerKey } from '../../src/core/log/note.js';
import type { StoreLocation } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { now, smallElection, testKeys } from '../support/fixtures.js';
import { backends, tempDir } from '../support/stores.js';

type Row = Record<string, string | number | Uint8Array>;

/** Writes rows as an INSERT-only database user would: never through Tallyproof, never with the key. */
async function forger(
  where: StoreLocation,
): Promise<{ insert: (table: string, row: Row) => Promise<void>; close: () => Promise<void> }> {
  if (where.sqlitePath) {
    const db = new Database(where.sqlitePath);
    return {
      insert: async (table, row) => {
        const cols = Object.keys(row);
        db.prepare(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        ).run(...Object.values(row));
      },
      close: async () => {
        db.close();
      },
    };
  }
  // A role that may only read and insert: the append-only triggers stay in place, and it holds no key.
  const owner = new pg.Client({ connectionString: where.databaseUrl });
  await owner.connect();
  const role = `forger_${process.pid}_${Math.floor(Math.random() * 1e9)}`;
  await owner.query(`CREATE ROLE ${role} LOGIN`);
  await owner.query(`GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${role}`);
  await owner.end();
  const url = new URL(where.databaseUrl!);
  url.username = role;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    insert: async (table, row) => {
      const cols = Object.keys(row);
      await client.query(
        `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
        Object.values(row).map((v) => (v instanceof Uint8Array ? Buffer.from(v) : v)),
      );
    },
    close: () => client.end(),
  };
}

const forgedCvr = (id: string) =>
  encodeCvr({
    jurisdiction: 'example-county',
    id,
    contests: [{ contest: 'governor', marks: [{ choice: 'gov-2' }] }],
  });

type Plant = (f: Awaited<ReturnType<typeof forger>>, store: Store) => Promise<void>;

const attacks: { name: string; plant: Plant; refusal: RegExp }[] = [
  {
    name: 'a CVR entry after the last checkpoint',
    plant: async (f, store) =>
      f.insert('entries', {
        seq: await store.logSize(),
        kind: 'cvr',
        jurisdiction: 'example-county',
        cvr_id: 'forged-1',
        import_id: 1,
        body: forgedCvr('forged-1'),
      }),
    refusal:
      /1 entries after the latest signed checkpoint \(size \d+\) were written by no signed command: #\d+ \(cvr "forged-1"\)/,
  },
  {
    name: 'an audit reading after the last checkpoint',
    plant: async (f, store) =>
      f.insert('entries', {
        seq: await store.logSize(),
        kind: 'audit',
        jurisdiction: 'example-county',
        body: new TextEncoder().encode('{"t":"audit","type":"reading"}'),
      }),
    refusal: /written by no signed command: #\d+ \(audit\)/,
  },
  {
    // The next import fills level-0 tile 0 (the log grows past 256 entries): the planted one must not stand.
    name: 'a tile planted where the next import writes one',
    plant: (f) =>
      f.insert('tiles', { level: 0, idx: 0, width: 256, hashes: new Uint8Array(256 * 32).fill(7) }),
    refusal: /the stored tile\/0\/000 differs from the tile computed from the entries/,
  },
  {
    name: 'an import row beyond the signed log',
    plant: (f) =>
      f.insert('imports', {
        id: 99,
        jurisdiction: 'example-county',
        file_name: 'forged.json',
        file_sha256: '00'.repeat(32),
        format: 'cdf',
        cvr_count: 1,
        first_seq: 10_000,
        imported_at: now(),
      }),
    refusal: /import row #99 \(forged\.json\) reaches past the signed log/,
  },
  {
    name: 'a checkpoint row the log key did not sign',
    plant: async (f, store) => {
      const other = parseSignerKey(generateKey('county.example/2026').signerKey);
      const size = await store.logSize();
      await f.insert('checkpoints', {
        id: 99,
        size,
        root: new Uint8Array(32),
        note: signCheckpoint({ origin: other.name, size, root: new Uint8Array(32), extensions: [] }, other),
        created_at: now(),
      });
    },
    refusal: /checkpoint #99 is not one the log's key signed/,
  },
];

for (const backend of backends()) {
  describe(`the ${backend.name} store: rows no signed command wrote are never signed`, () => {
    for (const attack of attacks)
      it(`refuses to sign over ${attack.name}`, async () => {
        const election = await smallElection(300, 2, 'forgery');
        const keys = testKeys();
        const where = await backend.fresh();
        const store = await Store.open(where);
        try {
          await loadElectionFile(store, election.definition, readFileSync(election.definition), {
            signer: keys.signer,
            now,
          });
          await importFiles(store, [election.cvrFiles[0]!], { format: 'cdf', signer: keys.signer, now });
          const f = await forger(where);
          try {
            await attack.plant(f, store);
          } finally {
            await f.close();
          }
          const before = {
            checkpoints: (await store.checkpoints()).length,
            imports: (await store.imports()).length,
          };
          const refused = importFiles(store, [election.cvrFiles[1]!], {
            format: 'cdf',
            signer: keys.signer,
            now,
          });
          await expect(refused).rejects.toThrow(attack.refusal);
          await expect(refused).rejects.toThrow(/^refusing to sign: /);
          expect((await store.checkpoints()).length).toBe(before.checkpoints);
          expect((await store.imports()).length).toBe(before.imports);
          const report = await verifyStore(store, keys.verifier);
          expect(report.ok).toBe(attack.name.startsWith('a tile'));
          if (attack.name.includes('after the last checkpoint'))
            expect(report.failures).toContainEqual(
              expect.stringMatching(/^intrusion: 1 entries after the latest checkpoint/),
            );
        } finally {
          await store.close();
        }
      });

    it('still signs the election a keyless `election load` left unsigned, on the first import', async () => {
      const election = await smallElection(100, 1, 'unsigned-load');
      const keys = testKeys();
      const store = await Store.open(await backend.fresh());
      try {
        await loadElectionFile(store, election.definition, readFileSync(election.definition), { now });
        await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
        expect((await verifyStore(store, keys.verifier)).failures).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
}

describe('a log that does not begin with its definition', () => {
  it('is refused by verify, whatever follows', async () => {
    const election = await smallElection(50, 1, 'no-definition-event');
    const keys = testKeys();
    const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
    try {
      const loaded = parseDefinition('election.json', readFileSync(election.definition));
      // A log that pairs its records with a stored definition it never committed to.
      await store.append(async (w) => {
        await w.insertElection(loaded.sha256, loaded.bytes, now());
        await w.append(encodeEvent({ type: 'cvrs.imported', at: now(), data: { cvrs: 0, first: 0 } }), {
          kind: 'event',
          jurisdiction: null,
          cvr_id: null,
          import_id: null,
        });
        await w.checkpoint(keys.signer, now());
      });
      const report = await verifyStore(store, keys.verifier);
      expect(report.failures).toContainEqual(
        'entry 0: the log does not begin with the election.loaded event that commits to its definition',
      );
    } finally {
      await store.close();
    }
  });
});
