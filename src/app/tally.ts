/**
 * Tabulation of the stored CVRs. Every import logs the SHA-256 of its counts (taken from the CVRs it
 * validated), so a tally adds those up once each import event is proven included under the latest signed
 * checkpoint and each stored count hashes to what its event says: seconds, whatever the number of ballots.
 * `recount` (and any store with imports from before counts were kept) counts every CVR instead, riding on a
 * full verification pass. Either way nothing is tabulated from a store that does not verify its signed
 * history (VVSG 2.0 13.2-B); `verify` recounts every record against the logged counts.
 */

import { toHex } from '../core/bytes.js';
import type { LoadedElection } from '../core/election/load.js';
import { decodeEntry } from '../core/entries.js';
import { inclusionProofFromTiles } from '../core/log/inclusion.js';
import { verifyInclusion } from '../core/log/merkle.js';
import { keyLabel, parseVerifierKey, type Verifier } from '../core/log/note.js';
import { type RankedContestResult, RankedTally } from '../core/rcv/ranked-results.js';
import { type ContestResult, type GroupBy, PluralityTally, parseCounts } from '../core/tabulate/plurality.js';
import { signedCheckpoints } from '../core/verify/evidence.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import type { Store } from '../store/store.js';
import { parseDefinition } from './load-election.js';
import { verifyStore } from './verify-store.js';

export interface TallyReport {
  readonly contests: ContestResult[];
  /** Each ranked contest's rounds and winners, when asked for (`ranked`). */
  readonly ranked?: RankedContestResult[];
  readonly by?: GroupBy;
  readonly groups?: { id: string; contests: ContestResult[] }[];
}

export interface VerifiedTally {
  readonly tally: TallyReport;
  readonly election: LoadedElection;
  readonly cvrs: number;
  /** The key the log was verified against: the caller's, or the store's own log key. */
  readonly verifiedWith: string;
  /** How the count was made: the imports' logged counts, or every logged CVR recounted. */
  readonly method: 'logged-counts' | 'recount';
}

export async function tallyStore(
  store: Store,
  options: {
    verifier?: Verifier;
    by?: GroupBy;
    /** Count every logged CVR (a full verification pass) instead of adding the imports' logged counts. */
    recount?: boolean;
    /** Count the ranked contests too, round by round: that reads every CVR, so it implies `recount`. */
    ranked?: boolean;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Promise<VerifiedTally> {
  const stored = await store.election();
  if (!stored) throw new Error('the store holds no election yet');
  const key = await store.logKey();
  const verifier = options.verifier ?? (key ? parseVerifierKey(key.vkey) : undefined);
  if (!verifier) throw new Error('the log has no signed checkpoint yet: nothing verified to tabulate');
  const election = parseDefinition('stored definition', stored.bytes);
  const ranked = options.ranked ? new RankedTally(election.election) : undefined;
  if (!options.recount && !ranked?.hasContests) {
    const logged = await loggedCounts(store, verifier, election, options.by);
    if (logged) return logged;
  }
  const tally = new PluralityTally(election.election, options.by);
  const report = await verifyStore(store, verifier, {
    onCvr: (cvr) => {
      tally.add(cvr);
      ranked?.add(cvr);
    },
    onProgress: options.onProgress,
  });
  if (!report.ok) throw new Error(`refusing to tabulate: the store does not verify: ${report.failures[0]}`);
  return {
    tally: {
      contests: tally.contests(),
      ...(ranked?.hasContests ? { ranked: ranked.contests() } : {}),
      ...(options.by ? { by: options.by, groups: tally.groups() } : {}),
    },
    election,
    cvrs: report.cvrs,
    verifiedWith: keyLabel(verifier),
    method: 'recount',
  };
}

/**
 * The tally as the sum of the imports' logged counts, each import event proven included under the latest
 * signed checkpoint; undefined when an import has no counts (made before they were kept). Throws when the
 * store contradicts its signed log.
 */
async function loggedCounts(
  store: Store,
  verifier: Verifier,
  election: LoadedElection,
  by: GroupBy | undefined,
): Promise<VerifiedTally | undefined> {
  const refuse = (why: string): never => {
    throw new Error(`refusing to tabulate: the store does not verify: ${why}`);
  };
  const notes = (await store.checkpoints()).map((c) => c.note);
  const latest = signedCheckpoints(notes, verifier, refuse).at(-1);
  if (!latest) return refuse('no checkpoint signed by the trusted key');
  const size = latest.size;
  const rows = await store.entryCount();
  if (rows !== size)
    refuse(
      `${rows - size} entries after the latest checkpoint were written by no signed command (an intrusion): \`verify --db\` names them`,
    );
  const imports = await store.imports();
  const counts = await store.importCounts();
  if (imports.some((i) => !counts.has(i.id))) return undefined;

  const hasher = store.hasher;
  const tile = (l: number, i: number, w: number) => store.tile(l, i, w);
  /** The logged entry at `seq`, its inclusion under the latest checkpoint proven. */
  const loggedEntry = async (seq: number) => {
    const body = await store.entryBody(seq);
    if (!body || seq >= size) return refuse(`entry ${seq} is missing`);
    try {
      verifyInclusion(
        seq,
        size,
        hasher.hashLeaf(body),
        await inclusionProofFromTiles(seq, size, tile, hasher),
        latest.root,
        hasher,
      );
    } catch (e) {
      refuse(`entry ${seq} is not the one the signed checkpoint commits to: ${(e as Error).message}`);
    }
    const decoded = decodeEntry(body);
    if (!decoded.ok) return refuse(`entry ${seq}: ${decoded.error}`);
    return decoded.value;
  };
  const loggedEvent = async (seq: number) => {
    const entry = await loggedEntry(seq);
    return entry.kind === 'event' ? entry.event : refuse(`entry ${seq} is not an event`);
  };

  const loaded = await loggedEvent(0);
  if (loaded.type !== 'election.loaded' || loaded.data.sha256 !== election.sha256)
    refuse('the stored definition is not the one the log committed to first');
  const tally = new PluralityTally(election.election, by);
  let cvrs = 0;
  // The log is the definition, then each import's CVRs closed by its event, then any audit records: the
  // import rows must tile it, or an import left out of the store would go uncounted.
  let next = 1;
  for (const row of imports) {
    if (Number(row.first_seq) !== next)
      refuse(`import #${row.id} (${row.file_name}) starts at entry ${row.first_seq}, not ${next}`);
    const seq = Number(row.first_seq) + Number(row.cvr_count);
    const event = await loggedEvent(seq);
    const c = counts.get(row.id)!;
    if (
      event.type !== 'cvrs.imported' ||
      event.data.sha256 !== row.file_sha256 ||
      Number(event.data.cvrs) !== Number(row.cvr_count) ||
      Number(event.data.first) !== Number(row.first_seq)
    )
      refuse(`import #${row.id} (${row.file_name}) disagrees with its logged import event`);
    if (event.data.counts !== c.sha256 || toHex(nodeSha256(c.body)) !== c.sha256)
      refuse(`the counts of import #${row.id} (${row.file_name}) are not the counts its import logged`);
    tally.addCounts(parseCounts(c.body));
    cvrs += Number(row.cvr_count);
    next = seq + 1;
  }
  if (next < size && (await loggedEntry(next)).kind !== 'audit')
    refuse(`entry ${next} follows the last import the store lists and is not an audit record`);
  return {
    tally: { contests: tally.contests(), ...(by ? { by, groups: tally.groups() } : {}) },
    election,
    cvrs,
    verifiedWith: keyLabel(verifier),
    method: 'logged-counts',
  };
}
