/**
 * The audit's work grows with the ballots, not with their square (issue 13: `audit status` took 15 s at
 * 20,000 ballots and 110 s at 60,000). Counted, not timed: reads of each CVR key while drawing the sample,
 * and the store reads each audit command makes, on both backends.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordInterpretations } from '../../src/app/audit/record.js';
import { auditStatus } from '../../src/app/audit/report.js';
import { startAudit } from '../../src/app/audit/start.js';
import { currentRound, requireAudit } from '../../src/app/audit/state.js';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { verifyStore } from '../../src/app/verify-store.js';
import type { AuditLog } from '../../src/core/audit/replay.js';
import { drawLogged } from '../../src/core/audit/verify-audit.js';
import type { Election } from '../../src/core/election/schema.js';
import { nodeSha256 } from '../../src/platform/node-sha256.js';
import { Store } from '../../src/store/store.js';
import { readBallots, writeCsv } from '../support/audit-board.js';
import { now, smallElection, testKeys } from '../support/fixtures.js';
import { backends, tempDir } from '../support/stores.js';

it('draws a sample of the CVRs reading each CVR key a few times, not once per other key', () => {
  let reads = 0;
  const n = 3000;
  const keys = Array.from({ length: n }, (_, i) => ({
    get jurisdiction() {
      reads++;
      return i % 2 ? 'north' : 'south';
    },
    id: `cvr-${i}`,
  }));
  const log = {
    start: { record: 'start', type: 'comparison', riskLimit: '0.05', seed: '1', contests: [], population: n },
    manifest: [],
    rounds: [],
    interpretations: new Map(),
    results: [],
  } as unknown as AuditLog;
  const draws = drawLogged(log, keys, 50, nodeSha256);
  expect(draws).toHaveLength(50);
  expect(draws[0]!.id).toMatch(/^(north|south)\/cvr-\d+$/);
  expect(reads).toBeLessThanOrEqual(3 * n);
});

for (const backend of backends()) {
  describe(`audit store reads on ${backend.name}`, () => {
    it('status reads no CVR, a round is located in pages, and verify reads the proofs’ upper tiles once', async () => {
      const election = await smallElection(1500, 1, `scale-${backend.name}`);
      const keys = testKeys();
      const store = await Store.open(await backend.fresh());
      try {
        await loadElectionFile(store, election.definition, readFileSync(election.definition), {
          signer: keys.signer,
          now,
        });
        await importFiles(store, election.cvrFiles, { format: 'cdf', signer: keys.signer, now });
        const definition = JSON.parse(readFileSync(election.definition, 'utf8')) as Election;
        await startAudit(store, {
          type: 'comparison',
          riskLimit: '0.01',
          seed: '27182818284',
          contests: ['Governor', 'Mayor of Riverside'],
          signer: keys.signer,
          now: now(),
        });
        const { ballots } = await currentRound(store, await requireAudit(store));
        expect(ballots.length).toBeGreaterThan(100);

        const calls = { entryBody: 0, entryBodies: 0, upperTiles: 0 };
        const entryBody = store.entryBody.bind(store);
        const entryBodies = store.entryBodies.bind(store);
        const tile = store.tile.bind(store);
        store.entryBody = (seq) => {
          calls.entryBody++;
          return entryBody(seq);
        };
        store.entryBodies = (seqs) => {
          calls.entryBodies++;
          return entryBodies(seqs);
        };
        store.tile = (level, index, width) => {
          if (level > 0) calls.upperTiles++;
          return tile(level, index, width);
        };

        await auditStatus(store);
        expect(calls).toEqual({ entryBody: 0, entryBodies: 0, upperTiles: 0 });

        const [header, ...rows] = await readBallots(
          store,
          definition,
          ballots.map((b) => b.ballotId),
          ['Governor', 'Mayor of Riverside'],
        );
        const file = path.join(tempDir(), 'round-1.csv');
        writeCsv(file, [header!, ...rows]);
        const before = { ...calls };
        const recorded = await recordInterpretations(store, { file, signer: keys.signer, now: now() });
        expect(recorded.roundComplete).toBe(true);
        expect(calls.entryBody - before.entryBody).toBe(0);
        // The round's ballots, then the earlier rounds' (none here): one paged read each.
        expect(calls.entryBodies - before.entryBodies).toBeLessThanOrEqual(2);

        calls.upperTiles = 0;
        const report = await verifyStore(store, keys.verifier);
        expect(report.failures).toEqual([]);
        expect(report.audit?.rounds).toBeGreaterThanOrEqual(1);
        // Every sampled CVR is proven included; the tiles above level 0 are read once, not per ballot.
        expect(calls.upperTiles).toBeLessThan(ballots.length / 10);
      } finally {
        await store.close();
      }
    });
  });
}
