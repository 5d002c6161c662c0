/**
 * Drawing from a ballot manifest: every ballot named as Arlo names it — `('batch', position)`, or, for
 * the batches of named jurisdictions, as a running Arlo does, `(('J1', None, 'batch'), position)` — and one
 * SHA-256 per ballot — the floor of the work. A large manifest is split in two, each half searched on
 * its own worker thread for its smallest tickets, and the halves merged: the same sample, sooner.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { auditBallotNamer } from '../core/audit/population.js';
import {
  arloBallotNamer,
  type Candidate,
  type Draw,
  drawFromCandidates,
  firstTicketCandidates,
  type SampleOptions,
} from '../core/rla/sampler.js';
import type { ManifestBatch } from '../formats/manifest/ballot-manifest.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import { compiledWorker } from './worker-script.js';

/** A manifest's batch; with `jurisdiction`, its ballots are named as a running Arlo names them. */
export type SampledBatch = Pick<ManifestBatch, 'batch' | 'ballots' | 'tabulator'> & {
  readonly jurisdiction?: string;
};

/**
 * How ballots are spelled: `python`, exactly as Python's repr (`rla draw`, to reproduce Arlo's sample);
 * `audit-log`, as audit logs have always named them (see `loggedStrRepr`).
 */
export type BallotSpelling = 'python' | 'audit-log';

export interface ManifestShare {
  readonly seed: string;
  readonly batches: readonly SampledBatch[];
  readonly count: number;
  readonly spelling: BallotSpelling;
}

function* ballotNames(share: Pick<ManifestShare, 'batches' | 'spelling'>): Generator<string> {
  for (const b of share.batches) {
    const name =
      share.spelling === 'audit-log'
        ? auditBallotNamer(b.batch)
        : arloBallotNamer(
            b.batch,
            b.jurisdiction === undefined
              ? undefined
              : { jurisdiction: b.jurisdiction, tabulator: b.tabulator },
          );
    for (let p = 1; p <= b.ballots; p++) yield name(p);
  }
}

/** The smallest-ticket candidates of one share of a manifest (run on a worker, or in-process). */
export const shareCandidates = (share: ManifestShare): Candidate[] =>
  firstTicketCandidates(share.seed, ballotNames(share), {
    count: share.count,
    hash: nodeSha256,
    checkUnique: false,
  });

/** Below this many ballots, starting threads costs more than it saves. */
const PARALLEL_FROM = 200_000;

/** The ballots of all the batches are one population (several jurisdictions' manifests, end to end). */
export async function drawFromManifest(
  seed: string,
  batches: readonly SampledBatch[],
  options: Omit<SampleOptions, 'hash' | 'checkUnique'> & { spelling?: BallotSpelling },
): Promise<Draw[]> {
  const spelling = options.spelling ?? 'audit-log';
  const total = batches.reduce((n, b) => n + b.ballots, 0);
  const script = compiledWorker('sample-worker');
  const lanes = Math.max(1, Math.min(2, availableParallelism()));
  let candidates: Candidate[];
  if (!script || lanes < 2 || total < PARALLEL_FROM) {
    candidates = shareCandidates({ seed, batches, count: options.count, spelling });
  } else {
    // Two contiguous halves by ballots (batches stay whole: their names are computed once per batch).
    let half = 0;
    let split = 0;
    while (split < batches.length && half + batches[split]!.ballots <= total / 2)
      half += batches[split++]!.ballots;
    const shares = [batches.slice(0, split), batches.slice(split)].map((part) => ({
      seed,
      batches: part.map((b) => ({
        batch: b.batch,
        ballots: b.ballots,
        ...(b.tabulator === undefined ? {} : { tabulator: b.tabulator }),
        ...(b.jurisdiction === undefined ? {} : { jurisdiction: b.jurisdiction }),
      })),
      count: options.count,
      spelling,
    }));
    const found = await Promise.all(shares.map((share) => inWorker(script, share)));
    candidates = found.flat();
  }
  return drawFromCandidates(candidates, { ...options, hash: nodeSha256 });
}

function inWorker(script: string, share: ManifestShare): Promise<Candidate[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: share });
    worker.once('message', (candidates: Candidate[]) => {
      void worker.terminate();
      resolve(candidates);
    });
    worker.once('error', reject);
  });
}
