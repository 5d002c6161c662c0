import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { folderReader } from '../../src/app/bundle-folder.js';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { publish } from '../../src/app/publish.js';
import { checkReceipt, makeReceipt } from '../../src/app/receipt.js';
import { tallyStore } from '../../src/app/tally.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { encodeCvr, encodeEvent } from '../../src/core/entries.js';
import { verifyBundle } from '../../src/core/verify/bundle.js';
import { Store } from '../../src/store/store.js';
import { editedReport, now, smallElection, testKeys } from '../support/fixtures.js';
import { backends, tempDir } from '../support/stores.js';

/** Lets a test tamper with a ledger table the way an attacker with the database file could. */
const dropGuard = (store: Store, table: string, trigger: string) =>
  sql
    .raw(store.dialect === 'sqlite' ? `DROP TRIGGER ${trigger}` : `DROP TRIGGER ${trigger} ON ${table}`)
    .execute(store.db);

for (const backend of backends()) {
  describe(`ledger on ${backend.name}`, () => {
    async function loadedStore() {
      const election = await smallElection(600, 2);
      const keys = testKeys();
      const store = await Store.open(await backend.fresh());
      await loadElectionFile(store, election.definition, readFileSync(election.definition), {
        signer: keys.signer,
        now,
      });
      return { election, keys, store };
    }

    it('imports, verifies, publishes a bundle that verifies, and issues receipts', async () => {
      const { election, keys, store } = await loadedStore();
      try {
        const results = await importFiles(store, election.cvrFiles, {
          format: 'cdf',
          signer: keys.signer,
          now,
        });
        expect(results.map((r) => r.cvrs)).toEqual([300, 300]);
        expect(await store.cvrCount()).toBe(600);
        // election.loaded + 300 CVRs + import event, twice
        expect(await store.logSize()).toBe(1 + 2 * 301);
        expect((await store.checkpoints()).map((c) => c.size)).toEqual([1, 302, 603]);

        const live = await verifyStore(store, keys.verifier);
        expect(live.failures).toEqual([]);
        expect(live.cvrs).toBe(600);

        const dir = tempDir();
        const pub = await publish(store, dir);
        expect(pub.size).toBe(603);
        const bundle = await verifyBundle(folderReader(dir), keys.verifier);
        expect(bundle.failures).toEqual([]);
        expect(readFileSync(path.join(dir, 'tile/0/002.p/91')).length).toBe(91 * 32);
        expect(readFileSync(path.join(dir, 'checkpoint'), 'utf8')).toContain('\n603\n');

        const receipt = await makeReceipt(store, '1-1-7');
        expect(receipt.startsWith('c2sp.org/tlog-proof@v1\nextra ')).toBe(true);
        const checked = checkReceipt(receipt, keys.verifier);
        expect(checked.cvr.id).toBe('1-1-7');
        expect(checked.logSize).toBe(603);
        expect(() => checkReceipt(receipt, testKeys().verifier)).toThrow(/no signature by a known key/);
      } finally {
        await store.close();
      }
    });

    it('tabulates the verified log to the ground truth, publishes the results, and refuses a log that fails', async () => {
      const { election, keys, store } = await loadedStore();
      try {
        await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
        const truth = JSON.parse(readFileSync(election.truth, 'utf8')) as {
          contests: { name: string; results: Record<string, number> }[];
        };
        const { tally, cvrs, method } = await tallyStore(store, { by: 'precinct' });
        expect(cvrs).toBe(600);
        expect(method).toBe('logged-counts');
        const recounted = await tallyStore(store, { by: 'precinct', recount: true });
        expect(recounted.method).toBe('recount');
        expect(recounted.tally).toEqual(tally);
        expect(tally.contests.map(({ id: _id, ...rest }) => rest)).toEqual(
          truth.contests.filter((c) => c.name !== 'Mayor of Riverside'),
        );
        const groupBallots = (tally.groups ?? []).flatMap((g) =>
          g.contests.filter((c) => c.id === 'governor').map((c) => c.ballots),
        );
        expect(groupBallots.reduce((a, b) => a + b, 0)).toBe(tally.contests[0]!.ballots);

        const dir = tempDir();
        await publish(store, dir);
        const published = JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
        expect(published.contests).toEqual(tally.contests);
        // The ranked contest's first round is the ground truth's first choices (its rounds: ranked-results.test.ts).
        const mayor = truth.contests.find((c) => c.name === 'Mayor of Riverside')!;
        expect(published.rankedContests).toHaveLength(1);
        const firstRound = published.rankedContests[0].passes[0].rounds[0].votes;
        expect(
          Object.fromEntries(
            firstRound.map((v: { candidate: string; votes: string }) => [v.candidate, Number(v.votes)]),
          ),
        ).toEqual(mayor.results);

        await dropGuard(store, 'entries', 'entries_no_update');
        await sql`UPDATE entries SET body = ${Buffer.from(encodeCvr({ jurisdiction: 'example-county', id: '1-1-1', contests: [] }))} WHERE seq = 1`.execute(
          store.db,
        );
        // A changed record: the recount and verify refuse; the logged counts were taken before it changed.
        await expect(tallyStore(store, { recount: true })).rejects.toThrow(
          /refusing to tabulate: the store does not verify/,
        );
        expect((await verifyStore(store, keys.verifier)).ok).toBe(false);
        expect((await tallyStore(store)).tally.contests).toEqual(tally.contests);
        // An import left out of the store: its CVRs would go uncounted, so the tally refuses.
        await dropGuard(store, 'imports', 'imports_no_delete');
        await sql`DELETE FROM imports WHERE id = 2`.execute(store.db);
        await expect(tallyStore(store)).rejects.toThrow(
          /entry 302 follows the last import the store lists and is not an audit record/,
        );
        // Changed counts: the tally refuses them, naming the import.
        await dropGuard(store, 'import_counts', 'import_counts_no_update');
        const [counts] = [...(await store.importCounts()).values()];
        const forged = Buffer.from(counts!.body).toString('utf8').replace('"ballots":', '"ballots":1');
        await sql`UPDATE import_counts SET body = ${Buffer.from(forged)} WHERE import_id = ${counts!.import_id}`.execute(
          store.db,
        );
        await expect(tallyStore(store)).rejects.toThrow(
          /refusing to tabulate: the store does not verify: the counts of import #1 .* are not the counts its import logged/,
        );
        expect((await verifyStore(store, keys.verifier)).failures.join('\n')).toMatch(
          /import #1 \(.*\): the stored counts are not the counts its import logged/,
        );
      } finally {
        await store.close();
      }
    });

    it('verify recounts every import against the counts it logged', async () => {
      const { keys, store } = await loadedStore();
      try {
        // A log whose import event claims counts its one CVR does not give, signed by the log's key.
        await store.append(async (w) => {
          const first = w.size;
          await w.append(encodeCvr({ jurisdiction: 'example-county', id: 'x-1', contests: [] }), {
            kind: 'cvr',
            jurisdiction: 'example-county',
            cvr_id: 'x-1',
            import_id: 1,
          });
          const data = {
            file: 'x',
            sha256: 'ab',
            format: 'cdf',
            jurisdiction: 'example-county',
            cvrs: 1,
            first,
          };
          await w.append(
            encodeEvent({ type: 'cvrs.imported', at: now(), data: { ...data, counts: '00'.repeat(32) } }),
            { kind: 'event', jurisdiction: null, cvr_id: null, import_id: 1 },
          );
          await w.checkpoint(keys.signer, now());
        });
        const report = await verifyStore(store, keys.verifier, { allowUnsignedTail: true });
        expect(report.failures.join('\n')).toMatch(
          /entry 2: the import logged counts 0{64}, its CVRs count to [0-9a-f]{64}: the logged counts do not follow from the records/,
        );
      } finally {
        await store.close();
      }
    });

    it('refuses UPDATE and DELETE on ledger tables in the database itself', async () => {
      const { store } = await loadedStore();
      try {
        await expect(sql`UPDATE entries SET kind = 'cvr'`.execute(store.db)).rejects.toThrow(/append-only/);
        await expect(sql`DELETE FROM checkpoints`.execute(store.db)).rejects.toThrow(/append-only/);
        await expect(sql`DELETE FROM tiles`.execute(store.db)).rejects.toThrow(/append-only/);
        expect(await store.missingAppendOnlyGuards()).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('refuses a re-import, a wrong key, and bad files — storing nothing and staying verifiable', async () => {
      const { election, keys, store } = await loadedStore();
      try {
        const [first, second] = election.cvrFiles as [string, string];
        await importFiles(store, [first], { format: 'cdf', signer: keys.signer, now });
        const size = await store.logSize();
        const expectRefused = async (file: string, pattern: RegExp, signer = keys.signer) => {
          await expect(importFiles(store, [file], { format: 'cdf', signer, now })).rejects.toThrow(pattern);
          expect(await store.logSize()).toBe(size);
          expect((await store.imports()).length).toBe(1);
          expect((await verifyStore(store, keys.verifier)).failures).toEqual([]);
        };
        await expectRefused(first, /already imported/);
        await expectRefused(second, /not this log's signing key/, testKeys('county.example/2026').signer);

        const unknownContest = editedReport(
          second,
          (r) => {
            const snap = (r.CVR[5] as { CVRSnapshot: { CVRContest: { ContestId: string }[] }[] })
              .CVRSnapshot[0]!;
            snap.CVRContest[0]!.ContestId = 'governr';
          },
          'unknown-contest.json',
        );
        await expectRefused(
          unknownContest,
          /unknown-contest\.json: CVR\[5\].*unknown contest "governr" \(did you mean "governor"\?\)/,
        );

        const unknownChoice = editedReport(
          second,
          (r) => {
            const snap = (
              r.CVR[7] as {
                CVRSnapshot: {
                  CVRContest: { ContestId: string; CVRContestSelection: { ContestSelectionId: string }[] }[];
                }[];
              }
            ).CVRSnapshot[0]!;
            const c = snap.CVRContest.find(
              (x) => x.ContestId === 'measure-a' && x.CVRContestSelection.length > 0,
            )!;
            c.CVRContestSelection[0]!.ContestSelectionId = 'measure-a-maybe';
          },
          'unknown-choice.json',
        );
        await expectRefused(unknownChoice, /CVR\[7\].*has no choice "measure-a-maybe"/);

        const rankedPlurality = editedReport(
          second,
          (r) => {
            const snap = (
              r.CVR[3] as {
                CVRSnapshot: {
                  CVRContest: {
                    ContestId: string;
                    CVRContestSelection: { SelectionPosition: Record<string, unknown>[] }[];
                  }[];
                }[];
              }
            ).CVRSnapshot[0]!;
            const c = snap.CVRContest.find(
              (x) => x.ContestId === 'governor' && x.CVRContestSelection.length > 0,
            )!;
            c.CVRContestSelection[0]!.SelectionPosition[0]!.Rank = 1;
          },
          'ranked-plurality.json',
        );
        await expectRefused(rankedPlurality, /CVR\[3\].*"governor" is not ranked/);

        const duplicate = editedReport(
          second,
          (r) => {
            (r.CVR[9] as { UniqueId: string }).UniqueId = '1-1-1';
          },
          'duplicate-id.json',
        );
        await expectRefused(duplicate, /CVR id 1-1-1 is already in the store/);

        // A field longer than the log's entries may hold is refused at import, not signed and then
        // refused by every verify after.
        const longBatch = editedReport(
          second,
          (r) => {
            (r.CVR[9] as { BatchId: string }).BatchId = 'b'.repeat(1001);
          },
          'long-batch.json',
        );
        // A NUL in an id: SQLite would store it and PostgreSQL refuse it; both refuse it at import.
        const nulId = editedReport(
          second,
          (r) => {
            (r.CVR[4] as { UniqueId: string }).UniqueId = '1-1-\u0000x';
          },
          'nul-id.json',
        );
        await expectRefused(nulId, /CVR\[4\] \(id "1-1-\\u0000x"\): id holds a NUL character/);
        await expectRefused(
          longBatch,
          /CVR\[9\].*batch is 1001 characters long; a CVR field holds at most 1000/,
        );

        const otherElection = editedReport(
          second,
          (r) => {
            (r.CVR[11] as { ElectionId: string }).ElectionId = 'another-election';
          },
          'other-election.json',
        );
        await expectRefused(
          otherElection,
          /other-election\.json: CVR\[11\]: the CVR is for election "another-election"/,
        );

        const repeated = editedReport(
          second,
          (r) => {
            (r.CVR[4] as { UniqueId: string }).UniqueId = (r.CVR[2] as { UniqueId: string }).UniqueId;
          },
          'repeated-id.json',
        );
        await expectRefused(repeated, /repeated-id\.json: CVR\[4\]: CVR id .* appears twice in this import/);

        const text = readFileSync(second, 'utf8');
        const truncated = path.join(election.dir, 'truncated.json');
        writeFileSync(truncated, text.slice(0, Math.floor(text.length * 0.7)));
        await expectRefused(
          truncated,
          /truncated\.json: the file ends early \(truncated\) inside CVR\[\d+\]/,
        );

        const malformed = path.join(election.dir, 'malformed.json');
        writeFileSync(malformed, text.replace('"CurrentSnapshotId":', '"CurrentSnapshotId"'));
        await expectRefused(malformed, /malformed\.json: CVR\[0\]: not valid JSON/);

        // the good file still imports afterwards
        await importFiles(store, [second], { format: 'cdf', signer: keys.signer, now });
        expect(await store.cvrCount()).toBe(600);
      } finally {
        await store.close();
      }
    });
  });
}
