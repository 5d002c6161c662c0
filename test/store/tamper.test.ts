/** Any change to stored rows or to published files after the fact must make verification fail. */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { folderReader } from '../../src/app/bundle-folder.js';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { publish } from '../../src/app/publish.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { encodeCvr } from '../../src/core/entries.js';
import { verifyBundle } from '../../src/core/verify/bundle.js';
import { asBuffer } from '../../src/store/ledger-writer.js';
import { appendOnlyTriggerNames, createAppendOnlyGuards, LEDGER_TABLES } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { now, smallElection, testKeys } from '../support/fixtures.js';
import { backends, tempDir } from '../support/stores.js';

const BALLOTS = 300; // one full tile and a partial one

type Mutation =
  | { kind: 'flip-entry-byte'; at: number; byte: number }
  | { kind: 'delete-entry'; at: number }
  | { kind: 'swap-entries'; a: number; b: number }
  | { kind: 'append-forged-cvr' }
  | { kind: 'change-cvr-id-column'; at: number }
  | { kind: 'flip-tile-byte'; byte: number }
  | { kind: 'delete-checkpoint' }
  | { kind: 'edit-definition'; byte: number }
  | { kind: 'edit-import-count' };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip-entry-byte' as const), at: fc.nat(), byte: fc.nat() }),
  fc.record({ kind: fc.constant('delete-entry' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap-entries' as const), a: fc.nat(), b: fc.nat() }),
  fc.constant({ kind: 'append-forged-cvr' as const }),
  fc.record({ kind: fc.constant('change-cvr-id-column' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip-tile-byte' as const), byte: fc.nat() }),
  fc.constant({ kind: 'delete-checkpoint' as const }),
  fc.record({ kind: fc.constant('edit-definition' as const), byte: fc.nat() }),
  fc.constant({ kind: 'edit-import-count' as const }),
);

async function withoutGuards(store: Store, fn: () => Promise<void>) {
  for (const table of LEDGER_TABLES)
    for (const name of appendOnlyTriggerNames(table))
      await sql
        .raw(store.dialect === 'sqlite' ? `DROP TRIGGER ${name}` : `DROP TRIGGER ${name} ON ${table}`)
        .execute(store.db);
  await fn();
  // Restore the guards so that it is the content check, not the missing guard, that must catch the change.
  for (const table of LEDGER_TABLES) await createAppendOnlyGuards(store.db as never, store.dialect, table);
}

async function apply(store: Store, m: Mutation): Promise<void> {
  const size = await store.logSize();
  const cvrSeqs = (
    await store.db.selectFrom('entries').select('seq').where('kind', '=', 'cvr').execute()
  ).map((r) => Number(r.seq));
  const body = async (seq: number) =>
    (await store.db.selectFrom('entries').select('body').where('seq', '=', seq).executeTakeFirstOrThrow())
      .body;
  await withoutGuards(store, async () => {
    switch (m.kind) {
      case 'flip-entry-byte': {
        const seq = m.at % size;
        const b = Buffer.from(await body(seq));
        b[m.byte % b.length]! ^= 1 << (m.byte % 8);
        await store.db.updateTable('entries').set({ body: b }).where('seq', '=', seq).execute();
        return;
      }
      case 'delete-entry':
        await store.db
          .deleteFrom('entries')
          .where('seq', '=', m.at % size)
          .execute();
        return;
      case 'swap-entries': {
        const a = cvrSeqs[m.a % cvrSeqs.length]!;
        let b = cvrSeqs[m.b % cvrSeqs.length]!;
        if (a === b) b = cvrSeqs[(m.b + 1) % cvrSeqs.length]!;
        const [ba, bb] = [await body(a), await body(b)];
        const ida = (
          await store.db.selectFrom('entries').select('cvr_id').where('seq', '=', a).executeTakeFirstOrThrow()
        ).cvr_id;
        const idb = (
          await store.db.selectFrom('entries').select('cvr_id').where('seq', '=', b).executeTakeFirstOrThrow()
        ).cvr_id;
        await store.db
          .updateTable('entries')
          .set({ cvr_id: `tmp-${ida}` })
          .where('seq', '=', a)
          .execute();
        await store.db.updateTable('entries').set({ body: ba, cvr_id: ida }).where('seq', '=', b).execute();
        await store.db.updateTable('entries').set({ body: bb, cvr_id: idb }).where('seq', '=', a).execute();
        return;
      }
      case 'append-forged-cvr': {
        const forged = encodeCvr({
          jurisdiction: 'example-county',
          id: 'forged-1',
          contests: [{ contest: 'governor', marks: [{ choice: 'gov-2' }] }],
        });
        await store.db
          .insertInto('entries')
          .values({
            seq: size,
            kind: 'cvr',
            jurisdiction: 'example-county',
            cvr_id: 'forged-1',
            import_id: 1,
            body: asBuffer(forged),
          })
          .execute();
        return;
      }
      case 'change-cvr-id-column':
        await store.db
          .updateTable('entries')
          .set({ cvr_id: 'renamed' })
          .where('seq', '=', cvrSeqs[m.at % cvrSeqs.length]!)
          .execute();
        return;
      case 'flip-tile-byte': {
        const t = await store.db
          .selectFrom('tiles')
          .selectAll()
          .where('level', '=', 0)
          .where('idx', '=', 0)
          .where('width', '=', 256)
          .executeTakeFirstOrThrow();
        const b = Buffer.from(t.hashes);
        b[m.byte % b.length]! ^= 0x80;
        await store.db
          .updateTable('tiles')
          .set({ hashes: b })
          .where('level', '=', 0)
          .where('idx', '=', 0)
          .where('width', '=', 256)
          .execute();
        return;
      }
      case 'delete-checkpoint': {
        const last = (await store.checkpoints()).at(-1)!;
        await store.db.deleteFrom('checkpoints').where('id', '=', last.id).execute();
        return;
      }
      case 'edit-definition': {
        const e = await store.db.selectFrom('election').select('definition').executeTakeFirstOrThrow();
        const text = Buffer.from(e.definition).toString('utf8').replace('Ada Lovelace', 'Ada Byron');
        await store.db
          .updateTable('election')
          .set({ definition: Buffer.from(text) })
          .execute();
        return;
      }
      case 'edit-import-count':
        await store.db
          .updateTable('imports')
          .set({ cvr_count: BALLOTS - 1 })
          .execute();
        return;
    }
  });
}

for (const backend of backends()) {
  describe(`tampering with the ${backend.name} store is detected`, () => {
    it('every mutation of stored rows makes verify --db fail', async () => {
      const election = await smallElection(BALLOTS, 1, 'tamper');
      const keys = testKeys();
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const store = await Store.open(await backend.fresh());
          try {
            await loadElectionFile(store, election.definition, readFileSync(election.definition), {
              signer: keys.signer,
              now,
            });
            await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
            expect((await verifyStore(store, keys.verifier)).ok).toBe(true);
            await apply(store, m);
            const report = await verifyStore(store, keys.verifier);
            expect(report.ok, `${m.kind} went undetected`).toBe(false);
          } finally {
            await store.close();
          }
        }),
        { numRuns: backend.name === 'sqlite' ? 40 : 15 },
      );
    });
  });
}

describe('tampering with a published bundle is detected', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : [p];
    });
  }

  it('every flipped byte, truncation or deletion of any file makes verify fail', async () => {
    const election = await smallElection(BALLOTS, 2, 'bundle');
    const keys = testKeys();
    const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
    const dir = tempDir();
    try {
      await loadElectionFile(store, election.definition, readFileSync(election.definition), {
        signer: keys.signer,
        now,
      });
      await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
      await publish(store, dir);
    } finally {
      await store.close();
    }
    expect((await verifyBundle(folderReader(dir), keys.verifier)).failures).toEqual([]);
    const all = files(dir).map((f) => path.relative(dir, f));
    expect(all).toEqual(
      expect.arrayContaining([
        'checkpoint',
        'tile/0/000',
        'tile/0/001.p/47',
        'tile/1/000.p/1',
        'tile/entries/001.p/47',
        'checkpoints/3',
        'tile/entries/000',
        'election.json',
      ]),
    );

    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.nat(),
        fc.constantFrom('flip', 'truncate', 'delete', 'append'),
        async (f, at, how) => {
          const copy = tempDir();
          cpSync(dir, copy, { recursive: true });
          const file = path.join(copy, all[f]!);
          const bytes = readFileSync(file);
          if (how === 'delete') rmSync(file);
          else if (how === 'truncate') writeFileSync(file, bytes.subarray(0, at % bytes.length));
          else if (how === 'append') writeFileSync(file, Buffer.concat([bytes, Buffer.from([at % 256])]));
          else {
            bytes[at % bytes.length]! ^= 1 << (at % 8);
            writeFileSync(file, bytes);
          }
          const report = await verifyBundle(folderReader(copy), keys.verifier);
          rmSync(copy, { recursive: true });
          expect(report.ok, `${how} of ${all[f]} at ${at} went undetected`).toBe(false);
        },
      ),
      { numRuns: 150 },
    );
  });
});
