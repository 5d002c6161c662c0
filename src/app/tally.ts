/**
 * Tabulation of the stored CVRs, riding on a full verification pass: nothing is tabulated from a store
 * that does not verify (VVSG 2.0 13.2-B), and the count costs one read of the log.
 */
import type { LoadedElection } from '../core/election/load.js';
import { keyLabel, parseVerifierKey, type Verifier } from '../core/log/note.js';
import { type ContestResult, type GroupBy, PluralityTally } from '../core/tabulate/plurality.js';
import type { Store } from '../store/store.js';
import { parseDefinition } from './load-election.js';
import { verifyStore } from './verify-store.js';

export interface TallyReport {
  readonly contests: ContestResult[];
  readonly by?: GroupBy;
  readonly groups?: { id: string; contests: ContestResult[] }[];
}

export interface VerifiedTally {
  readonly tally: TallyReport;
  readonly election: LoadedElection;
  readonly cvrs: number;
  /** The key the log was verified against: the caller's, or the store's own log key. */
  readonly verifiedWith: string;
}

export async function tallyStore(
  store: Store,
  options: { verifier?: Verifier; by?: GroupBy; onProgress?: (done: number, total: number) => void } = {},
): Promise<VerifiedTally> {
  const stored = await store.election();
  if (!stored) throw new Error('the store holds no election yet');
  const key = await store.logKey();
  const verifier = options.verifier ?? (key ? parseVerifierKey(key.vkey) : undefined);
  if (!verifier) throw new Error('the log has no signed checkpoint yet: nothing verified to tabulate');
  const election = parseDefinition('stored definition', stored.bytes);
  const tally = new PluralityTally(election.election, options.by);
  const report = await verifyStore(store, verifier, {
    onCvr: (cvr) => tally.add(cvr),
    onProgress: options.onProgress,
  });
  if (!report.ok) throw new Error(`refusing to tabulate: the store does not verify: ${report.failures[0]}`);
  return {
    tally: { contests: tally.contests(), ...(options.by ? { by: options.by, groups: tally.groups() } : {}) },
    election,
    cvrs: report.cvrs,
    verifiedWith: keyLabel(verifier),
  };
}
