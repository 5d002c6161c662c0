/** One round's count: votes per candidate, ballots per status, the threshold in force, and the transfers. */
import { Dec } from './decimal.js';

/** Why a ballot does or does not count in a round, as RCTab reports it. */
export type BallotStatus =
  | 'active'
  | 'undervote'
  | 'overvote'
  | 'skippedRanking'
  | 'exhaustedChoice'
  | 'repeatedRanking'
  | 'finalRoundSurplus';

export class RoundTally {
  readonly candidates = new Map<string, Dec>();
  readonly statuses = new Map<BallotStatus, Dec>();
  threshold: Dec = Dec.ZERO;

  constructor(
    readonly round: number,
    continuing: readonly string[],
  ) {
    for (const c of continuing) this.candidates.set(c, Dec.ZERO);
  }

  status(status: BallotStatus): Dec {
    return this.statuses.get(status) ?? Dec.ZERO;
  }

  addVotes(candidate: string, value: Dec): void {
    this.candidates.set(candidate, (this.candidates.get(candidate) ?? Dec.ZERO).add(value));
    this.addStatus('active', value);
  }

  addStatus(status: BallotStatus, value: Dec): void {
    this.statuses.set(status, this.status(status).add(value));
  }

  /** Sum of the ballots counting for continuing candidates this round (the threshold's base). */
  activeBallots(): Dec {
    return this.status('active');
  }

  /** Every inactive ballot, ballots that ranked nobody included; surplus left over after the last seat is not inactive. */
  inactiveBallots(): Dec {
    let sum = Dec.ZERO;
    for (const [status, value] of this.statuses)
      if (status !== 'active' && status !== 'finalRoundSurplus') sum = sum.add(value);
    return sum;
  }

  /** Votes held by candidates, elected ones included, plus surplus left after the last seat. */
  activeAndLockedIn(): Dec {
    let sum = Dec.ZERO;
    for (const value of this.candidates.values()) sum = sum.add(value);
    return sum.add(this.status('finalRoundSurplus'));
  }
}

/** The map's entry for `key`, created with `make` when absent. */
export function entryOf<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

export const EXHAUSTED = 'exhausted';
export const RESIDUAL_SURPLUS = 'residual surplus';

/** Votes moved per round: round → from → to → value (`exhausted` and `residual surplus` as targets). */
export class Transfers {
  private readonly byRound = new Map<number, Map<string, Map<string, Dec>>>();

  add(round: number, from: string | null, to: string | null, value: Dec): void {
    const sources = entryOf(this.byRound, round, () => new Map<string, Map<string, Dec>>());
    const targets = entryOf(sources, from ?? 'uncounted', () => new Map<string, Dec>());
    const target = to ?? EXHAUSTED;
    targets.set(target, (targets.get(target) ?? Dec.ZERO).add(value));
  }

  /** What left `candidate` for the next round after it was elected or eliminated in `round`. */
  from(round: number, candidate: string): ReadonlyMap<string, Dec> | undefined {
    return this.byRound.get(round + 1)?.get(candidate);
  }

  rounds(): ReadonlyMap<number, ReadonlyMap<string, ReadonlyMap<string, Dec>>> {
    return this.byRound;
  }
}
