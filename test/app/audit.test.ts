/**
 * The audit on both store backends: a ballot-polling audit sampled from the manifest, a manifest that does
 * not reconcile, and verify catching a logged result that does not follow from the readings.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/app/audit/append.js';
import { recordInterpretations } from '../../src/app/audit/record.js';
import { auditStatus } from '../../src/app/audit/report.js';
import { startAudit } from '../../src/app/audit/start.js';
import { currentRound, requireAudit } from '../../src/app/audit/state.js';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { drawFromManifest } from '../../src/app/sample-manifest.js';
import { earlyManifestDraw, verifyStore } from '../../src/app/verify-store.js';
import { manifestDrawOf } from '../../src/core/audit/verify-audit.js';
import type { Election } from '../../src/core/election/schema.js';
import { choicesOf } from '../../src/core/election/schema.js';
import { Store } from '../../src/store/store.js';
import { readBallots, writeCsv } from '../support/audit-board.js';
import { now, smallElection, testKeys } from '../support/fixtures.js';
import { backends, tempDir } from '../support/stores.js';

for (const backend of backends()) {
  describe(`audit on ${backend.name}`, () => {
    async function imported(ballots = 1200) {
      const election = await smallElection(ballots, 1, `audit-${backend.name}`);
      const keys = testKeys();
      const store = await Store.open(await backend.fresh());
      await loadElectionFile(store, election.definition, readFileSync(election.definition), {
        signer: keys.signer,
        now,
      });
      await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
      const definition = JSON.parse(readFileSync(election.definition, 'utf8')) as Election;
      return { election, keys, store, definition };
    }

    it('polls ballots named from the manifest as Arlo names them, and confirms a clear winner', async () => {
      const { election, keys, store, definition } = await imported();
      try {
        const started = await startAudit(store, {
          type: 'polling',
          riskLimit: '0.1',
          seed: '314159265358979',
          contests: ['Governor'],
          manifest: election.manifest,
          signer: keys.signer,
          now: now(),
        });
        expect(started.differences).toEqual([]);
        expect(started.start.population).toBe(1200);
        const audit = await requireAudit(store);
        expect(audit.log.manifest.length).toBeGreaterThan(1);
        const { ballots } = await currentRound(store, audit);
        expect(ballots[0]!.ballotId).toMatch(/^\('[^']+', \d+\)$/);
        expect(ballots[0]!.container).toMatch(/^Box /);
        // The board finds each ballot by tabulator, batch and position; its paper reads as the CVR there.
        const cvrIdAt = new Map<string, string>();
        for await (const rows of store.entries(0, await store.logSize()))
          for (const r of rows)
            if (r.kind === 'cvr') {
              const cvr = JSON.parse(Buffer.from(r.body).toString()) as {
                id: string;
                batch: string;
                position: number;
                tabulator: string;
              };
              cvrIdAt.set(`${cvr.tabulator}/${cvr.batch}/${cvr.position}`, cvr.id);
            }
        const ballotOf = new Map(
          ballots.map((b) => [cvrIdAt.get(`${b.tabulator}/${b.batch}/${b.position}`)!, b.ballotId]),
        );
        const [header, ...rows] = await readBallots(store, definition, [...ballotOf.keys()], ['Governor']);
        const file = path.join(tempDir(), 'poll.csv');
        writeCsv(file, [
          header!,
          ...rows.map(([cvrId, contest, choices]) => [ballotOf.get(cvrId!)!, contest!, choices!]),
        ]);
        await recordInterpretations(store, { file, signer: keys.signer, now: now() });
        const status = await auditStatus(store);
        expect(status.contests[0]!.status).toBe('confirmed');
        expect(status.contests[0]!.risk).toBeLessThanOrEqual(0.1);
        const report = await verifyStore(store, keys.verifier);
        expect(report.failures).toEqual([]);
        expect(report.audit?.latest?.contests[0]?.status).toBe('confirmed');
        // verify starts the sample's draw from the stored records before the pass; it answers only the
        // very draw verification asks for, and matches a fresh draw of it exactly.
        const log = (await requireAudit(store)).log;
        const asked = manifestDrawOf(log, log.rounds.at(-1)!.draws)!;
        const drawer = await earlyManifestDraw(store);
        const early = drawer(...asked);
        expect(drawer(...asked)).toBe(early);
        expect(await early).toEqual(await drawFromManifest(...asked));
        const other: typeof asked = [`${asked[0]}1`, asked[1], asked[2]];
        expect(drawer(...other)).not.toBe(early);
        expect(await drawer(...other)).toEqual(await drawFromManifest(...other));
      } finally {
        await store.close();
      }
    });

    it('refuses a comparison audit on a manifest that does not reconcile, listing the batch', async () => {
      const { election, keys, store } = await imported(600);
      try {
        const lines = readFileSync(election.manifest, 'utf8').trim().split('\n');
        const cells = lines[1]!.split(',');
        cells[3] = String(Number(cells[3]) + 1);
        lines[1] = cells.join(',');
        const bad = path.join(tempDir(), 'manifest.csv');
        writeFileSync(bad, `${lines.join('\n')}\n`);
        const size = await store.logSize();
        await expect(
          startAudit(store, {
            type: 'comparison',
            riskLimit: '0.05',
            seed: '1',
            contests: ['Governor'],
            manifest: bad,
            signer: keys.signer,
            now: now(),
          }),
        ).rejects.toThrow(
          new RegExp(
            `batch ${cells[2]}: the manifest has ${cells[3]} ballots, the CVRs ${Number(cells[3]) - 1}`,
          ),
        );
        expect(await store.logSize()).toBe(size);
        expect((await verifyStore(store, keys.verifier)).ok).toBe(true);
      } finally {
        await store.close();
      }
    });

    it('--arlo-compatible is logged with the start, and the same readings are measured as Arlo does, by verify too', async () => {
      const risks: number[] = [];
      for (const arloCompatible of [false, true]) {
        const { keys, store, definition } = await imported(600);
        try {
          const started = await startAudit(store, {
            type: 'comparison',
            riskLimit: '0.05',
            seed: '2718281828',
            contests: ['Governor'],
            arloCompatible,
            signer: keys.signer,
            now: now(),
          });
          expect(started.start.arloCompatible).toBe(arloCompatible ? true : undefined);
          const audit = await requireAudit(store);
          const { ballots } = await currentRound(store, audit);
          const governor = definition.contests.find((c) => c.title === 'Governor')!;
          const winner = choicesOf(governor).find(
            (c) => c.id === started.start.contests[0]!.winners[0],
          )!.name;
          // Every paper reads as its CVR, but the first two that are not for the winner read for the winner:
          // understatements, which the published formula credits and Arlo counts as 0.
          const [header, ...rows] = await readBallots(
            store,
            definition,
            ballots.map((b) => b.ballotId),
            ['Governor'],
          );
          let understated = 0;
          const read = rows.map(([id, contest, choices]) =>
            choices !== winner && understated < 2 && ++understated
              ? [id!, contest!, winner]
              : [id!, contest!, choices!],
          );
          expect(understated).toBe(2);
          const file = path.join(tempDir(), 'readings.csv');
          writeCsv(file, [header!, ...read]);
          await recordInterpretations(store, { file, signer: keys.signer, now: now() });
          risks.push((await auditStatus(store)).contests[0]!.risk);
          const report = await verifyStore(store, keys.verifier);
          expect(report.failures).toEqual([]);
        } finally {
          await store.close();
        }
      }
      // The same sample and readings (same seed, same CVRs): Arlo's way gives the larger risk.
      expect(risks[1]).toBeGreaterThan(risks[0]!);
    });

    it('verify refuses a logged result that the readings do not give', async () => {
      const { keys, store, definition } = await imported(600);
      try {
        await startAudit(store, {
          type: 'comparison',
          riskLimit: '0.05',
          seed: '99',
          contests: ['Governor'],
          signer: keys.signer,
          now: now(),
        });
        const audit = await requireAudit(store);
        const { ballots } = await currentRound(store, audit);
        // Half the round read honestly, then a forged result claiming the contest confirmed.
        const governor = definition.contests.find((c) => c.title === 'Governor')!;
        await appendAudit(store, {
          records: ballots.slice(0, 3).map((b) => ({
            record: 'interpretation' as const,
            round: 1,
            ballot: b.ballotId,
            cvr: b.cvrEntry!,
            contests: [{ contest: governor.id, choices: [choicesOf(governor)[0]!.id] }],
          })),
          signer: keys.signer,
          now: now(),
          basedOn: await store.logSize(),
        });
        await appendAudit(store, {
          records: [
            {
              record: 'result',
              round: 1,
              contests: [{ contest: governor.id, status: 'confirmed', risk: '0.01', sampleSize: 3 }],
            },
          ],
          signer: keys.signer,
          now: now(),
          basedOn: await store.logSize(),
        });
        const report = await verifyStore(store, keys.verifier);
        expect(report.ok).toBe(false);
        expect(report.failures.join('\n')).toMatch(/round 1: ballot .* is in the sample but not interpreted/);
      } finally {
        await store.close();
      }
    });

    it('a batch audit logs each batch with its reported votes; verify refuses batch results the CVRs do not give', async () => {
      const honest = await imported(1200);
      const forged = await imported(1200);
      try {
        const started = await startAudit(honest.store, {
          type: 'batch',
          riskLimit: '0.1',
          seed: '2718',
          contests: ['Governor'],
          signer: honest.keys.signer,
          now: now(),
        });
        expect(started.start.population).toBe(6); // batches of 200
        expect((await verifyStore(honest.store, honest.keys.verifier)).failures).toEqual([]);
        const records = (await honest.store.auditRecords()).map((r) => r.record);
        const part = records.find((r) => r.record === 'manifest')!;
        if (part.record !== 'manifest') throw new Error('no batches logged');
        const governor = honest.definition.contests.find((c) => c.title === 'Governor')!;
        const batch = part.batches[0]!;
        const votes = batch.votes![governor.id]!;
        const [first, second] = Object.keys(votes);
        expect(Object.values(votes).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(batch.ballots);
        // The same records with 5 votes moved between two candidates in one batch.
        const moved = {
          ...part,
          batches: [
            {
              ...batch,
              votes: {
                [governor.id]: { ...votes, [first!]: votes[first!]! - 5, [second!]: votes[second!]! + 5 },
              },
            },
            ...part.batches.slice(1),
          ],
        };
        await appendAudit(forged.store, {
          records: records.map((r) => (r === part ? moved : r)),
          signer: forged.keys.signer,
          now: now(),
          basedOn: await forged.store.logSize(),
        });
        const report = await verifyStore(forged.store, forged.keys.verifier);
        expect(report.ok).toBe(false);
        expect(report.failures.join('\n')).toMatch(
          new RegExp(`the logged results of batch ${batch.batch} are not the tally of its logged CVRs`),
        );
      } finally {
        await honest.store.close();
        await forged.store.close();
      }
    });
  });
}
