/**
 * Ranked-choice counting as RCTab counts it: single-winner IRV, multi-winner STV with fractional
 * surplus transfer, bottoms-up, with RCTab's overvote, skipped-rank and duplicate rules, thresholds,
 * batch and cutoff elimination, and tiebreaks. Arithmetic is exact decimal rounded down at the
 * configured number of places, so every figure equals RCTab's to the last digit.
 *
 * Identical ballots (same rankings, same precinct and batch) travel together: they take the same path
 * through every round, so counting each group once with its weight gives RCTab's sums exactly while
 * touching each distinct ballot once per round.
 */
import { compareText } from '../compare.js';
import { EXPLICIT_OVERVOTE, type RcvContest, UNDECLARED_WRITE_IN, usesSurpluses } from './config.js';
import { Dec } from './decimal.js';
import { JavaRandom, javaHashOrder, javaShuffle } from './java-compat.js';
import { type BallotStatus, RESIDUAL_SURPLUS, RoundTally, Transfers } from './round-tally.js';

export interface RcvRanking {
  readonly rank: number;
  /** Candidate names as in the contest, UNDECLARED_WRITE_IN, or EXPLICIT_OVERVOTE. */
  readonly candidates: readonly string[];
}

export interface RcvBallot {
  /** The ballot's id (for a ballot standing for several, the first one's). */
  readonly id: string;
  /** How many identical ballots (same rankings, precinct and batch) this one stands for; 1 when absent. */
  readonly count?: number;
  readonly precinct?: string;
  readonly batch?: string;
  /** Ascending by rank; ranks with no mark are absent. */
  readonly rankings: readonly RcvRanking[];
}

export type SliceKind = 'precinct' | 'batch';

export interface SliceResult {
  readonly rounds: RoundTally[];
  readonly transfers: Transfers;
}

export interface RcvResult {
  readonly contest: RcvContest;
  readonly rounds: readonly RoundTally[];
  readonly winnerRound: ReadonlyMap<string, number>;
  readonly eliminatedRound: ReadonlyMap<string, number>;
  readonly transfers: Transfers;
  /** Cumulative residual surplus at the end of each round (index 0 = round 1). */
  readonly residualSurplus: readonly Dec[];
  /** Display order of candidates: by first-round votes, undeclared write-ins last. */
  readonly candidateOrder: readonly string[];
  readonly slices: ReadonlyMap<SliceKind, ReadonlyMap<string, SliceResult>>;
  /** Every candidate name the contest counts (declared, and undeclared write-ins when in use). */
  readonly candidateNames: readonly string[];
  readonly numCandidates: number;
  /** Candidates elected or eliminated by a tiebreak. */
  readonly decidedByTie: ReadonlySet<string>;
  /**
   * With `snapshots`: for each input ballot (in input order), what it counted for at the end of each
   * round in which it moved — the winners holding part of it and its current recipient, with values.
   * Rounds in which a ballot did not move are absent: it still counts as in its last snapshot.
   */
  readonly snapshots?: (ballotIndex: number) => ReadonlyMap<number, readonly (readonly [string, Dec])[]>;
}

export interface TabulateOptions {
  /** Keep per-ballot round snapshots (RCTab's generateCdfJson needs them). */
  readonly snapshots?: boolean;
}

export class RcvTabulationError extends Error {}

interface Group {
  readonly rankings: readonly RcvRanking[];
  readonly maxRank: number;
  readonly precinct?: string;
  readonly batch?: string;
  weight: bigint;
  recipient: string | null;
  status: BallotStatus;
  /** Value locked in with each winner this ballot helped elect (multi-winner). */
  readonly locked: Map<string, Dec>;
  /** Round → allocation after the ballot moved in that round (only when snapshots are asked for). */
  readonly snapshots?: Map<number, [string, Dec][]>;
}

const unitValue = (g: Group): Dec => {
  let v = Dec.ONE;
  for (const x of g.locked.values()) v = v.sub(x);
  return v;
};

/** Identical ballots share a key: same marks at the same ranks, same precinct and batch. */
export function ballotKey(rankings: readonly RcvRanking[], precinct?: string, batch?: string): string {
  let key = '';
  for (const r of rankings) key += `${r.rank}\u0001${r.candidates.join('\u0001')}\u0002`;
  return `${key}\u0003${precinct ?? ''}\u0003${batch ?? ''}`;
}

export function tabulateRcv(
  contest: RcvContest,
  ballots: Iterable<RcvBallot>,
  options: TabulateOptions = {},
): RcvResult {
  return new Tabulation(contest, ballots, options).run();
}

/** Counts a contest; for multi-pass IRV, one single-winner pass per seat, earlier winners excluded. */
export function countContest(
  contest: RcvContest,
  ballots: readonly RcvBallot[],
  options: TabulateOptions = {},
): RcvResult[] {
  if (contest.rules.winnerElectionMode !== 'multiPassIrv') return [tabulateRcv(contest, ballots, options)];
  const passes: RcvResult[] = [];
  const elected = new Set<string>();
  for (let seat = 1; seat <= contest.rules.numberOfWinners; seat++) {
    const pass: RcvContest = {
      ...contest,
      candidates: contest.candidates.map((c) => (elected.has(c.name) ? { ...c, excluded: true } : c)),
      rules: { ...contest.rules, numberOfWinners: 1 },
    };
    const result = tabulateRcv(pass, ballots, options);
    passes.push(result);
    for (const w of result.winnerRound.keys()) elected.add(w);
  }
  return passes;
}

class Tabulation {
  private readonly rules: RcvContest['rules'];
  private readonly groups: Group[] = [];
  /** Candidate names in the order RCTab's HashSet of names iterates them. */
  private readonly names: string[];
  private readonly excluded: Set<string>;
  private readonly numCandidates: number;
  private readonly numDeclared: number;
  private readonly permutation: string[];
  private readonly random?: JavaRandom;
  private readonly rounds: RoundTally[] = [];
  private readonly winnerRound = new Map<string, number>();
  private readonly eliminatedRound = new Map<string, number>();
  private readonly transfers = new Transfers();
  private readonly residual: Dec[] = [];
  private readonly decidedByTie = new Set<string>();
  private readonly groupOfBallot: number[] = [];
  private readonly sliceKinds: SliceKind[];
  private readonly slices = new Map<SliceKind, Map<string, SliceResult>>();
  private round = 0;

  constructor(
    private readonly contest: RcvContest,
    ballots: Iterable<RcvBallot>,
    private readonly options: TabulateOptions,
  ) {
    this.rules = contest.rules;
    const declared = contest.candidates.map((c) => c.name);
    this.names = javaHashOrder(contest.undeclaredWriteIns ? [...declared, UNDECLARED_WRITE_IN] : declared);
    this.excluded = new Set(contest.candidates.filter((c) => c.excluded).map((c) => c.name));
    this.numCandidates = this.names.length - this.excluded.size;
    this.numDeclared = declared.length;
    this.sliceKinds = [
      ...(contest.tabulateByPrecinct ? (['precinct'] as const) : []),
      ...(contest.tabulateByBatch ? (['batch'] as const) : []),
    ];

    const byKey = new Map<string, number>();
    for (const b of ballots) {
      const index = this.groupOfBallot.length;
      const precinct = contest.tabulateByPrecinct && b.precinct ? b.precinct : undefined;
      const batch = contest.tabulateByBatch && b.batch ? b.batch : undefined;
      const key = ballotKey(b.rankings, precinct, batch);
      const weight = BigInt(b.count ?? 1);
      const found = byKey.get(key);
      if (found !== undefined) {
        this.groups[found]!.weight += weight;
        this.groupOfBallot[index] = found;
        continue;
      }
      const group: Group = {
        rankings: b.rankings,
        maxRank: b.rankings.at(-1)?.rank ?? 0,
        ...(precinct !== undefined ? { precinct } : {}),
        ...(batch !== undefined ? { batch } : {}),
        weight,
        recipient: null,
        status: 'active',
        locked: new Map(),
        ...(options.snapshots ? { snapshots: new Map() } : {}),
      };
      byKey.set(key, this.groups.length);
      this.groupOfBallot[index] = this.groups.length;
      this.groups.push(group);
    }
    for (const kind of this.sliceKinds) {
      const ids = new Set<string>();
      for (const g of this.groups) {
        const id = g[kind];
        if (id !== undefined && id !== '') ids.add(id);
      }
      if (ids.size === 0)
        throw new RcvTabulationError(
          `tabulate by ${kind} is enabled, but the cast vote records name no ${kind}s`,
        );
      this.slices.set(kind, new Map([...ids].map((id) => [id, { rounds: [], transfers: new Transfers() }])));
    }

    this.permutation = contest.candidates.map((c) => c.name);
    const mode = this.rules.tiebreakMode;
    if (mode === 'random' || mode === 'previousRoundCountsThenRandom' || mode === 'generatePermutation') {
      if (this.rules.randomSeed === undefined)
        throw new RcvTabulationError(`tiebreakMode ${mode} needs a randomSeed`);
      const random = new JavaRandom(this.rules.randomSeed);
      if (mode === 'generatePermutation') {
        this.permutation.sort(compareText);
        javaShuffle(this.permutation, random);
      } else this.random = random;
    }
  }

  private get multiSeat() {
    return this.rules.numberOfWinners > 1;
  }
  private get percentageMode() {
    return this.rules.winnerElectionMode === 'bottomsUpUsingPercentageThreshold';
  }
  private get bottomsUp() {
    return this.rules.winnerElectionMode === 'bottomsUp';
  }
  private get usesSurpluses() {
    return usesSurpluses(this.rules);
  }

  private continuing(candidate: string): boolean {
    if (this.excluded.has(candidate) || candidate === EXPLICIT_OVERVOTE) return false;
    if (this.winnerRound.has(candidate)) return this.rules.continueUntilTwoCandidatesRemain;
    return !this.eliminatedRound.has(candidate);
  }

  run(): RcvResult {
    while (this.shouldContinue()) {
      this.round++;
      const tally = this.computeRound();
      this.rounds.push(tally);
      this.residual.push(this.residual.at(-1) ?? Dec.ZERO);
      // Multi-seat thresholds are fixed in round 1; single-seat ones follow the active ballots, unless the
      // first round determines it or the count continues past its winner (then it stays where it was).
      const fixed =
        this.rules.firstRoundDeterminesThreshold ||
        (this.rules.continueUntilTwoCandidatesRemain && this.winnerRound.size > 0);
      const recompute = this.round === 1 || (!this.multiSeat && !fixed);
      this.setThreshold(recompute ? this.threshold(tally) : this.rounds.at(-2)!.threshold);

      const ordered = this.byTally(tally, [...tally.candidates.keys()]);
      const winners = this.identifyWinners(tally, ordered);
      if (winners.length > 0) {
        for (const w of winners) this.winnerRound.set(w, this.round);
        if (this.usesSurpluses) for (const w of winners) this.transferSurplus(w, tally);
      } else if (
        this.winnerRound.size < this.rules.numberOfWinners ||
        (this.rules.continueUntilTwoCandidatesRemain && this.eliminatedRound.size < this.numCandidates - 2) ||
        this.percentageMode
      ) {
        const eliminated = this.eliminate(tally, ordered);
        if (eliminated.length === 0)
          throw new RcvTabulationError(`round ${this.round}: no candidate could be eliminated`);
        for (const c of eliminated) this.eliminatedRound.set(c, this.round);
      }
      if (this.multiSeat) this.updateWinnerTallies();
    }
    return {
      contest: this.contest,
      rounds: this.rounds,
      winnerRound: this.winnerRound,
      eliminatedRound: this.eliminatedRound,
      transfers: this.transfers,
      residualSurplus: this.residual,
      candidateOrder: this.candidateOrder(),
      slices: this.slices,
      candidateNames: this.names,
      numCandidates: this.numCandidates,
      decidedByTie: this.decidedByTie,
      ...(this.options.snapshots
        ? { snapshots: (i: number) => this.groups[this.groupOfBallot[i]!]!.snapshots ?? new Map() }
        : {}),
    };
  }

  private shouldContinue(): boolean {
    const winners = this.winnerRound.size;
    if (this.round >= this.rules.stopTabulationEarlyAfterRound) return false;
    if (winners === this.numDeclared && this.rules.numberOfWinners > this.numCandidates) return false;
    if (this.rules.continueUntilTwoCandidatesRemain)
      return (
        this.eliminatedRound.size + winners + 1 < this.numCandidates ||
        [...this.eliminatedRound.values()].includes(this.round)
      );
    if (this.percentageMode) return winners === 0;
    return (
      winners < this.rules.numberOfWinners ||
      (this.usesSurpluses && [...this.winnerRound.values()].includes(this.round))
    );
  }

  private continuingNames(): string[] {
    return javaHashOrder(this.names.filter((c) => this.continuing(c)));
  }

  private computeRound(): RoundTally {
    const continuingNames = this.continuingNames();
    const tally = new RoundTally(this.round, continuingNames);
    const sliceTallies = new Map<SliceKind, Map<string, RoundTally>>();
    for (const [kind, byId] of this.slices) {
      const m = new Map<string, RoundTally>();
      for (const id of byId.keys()) m.set(id, new RoundTally(this.round, continuingNames));
      sliceTallies.set(kind, m);
    }
    const slicesOf = (g: Group) => {
      const out: RoundTally[] = [];
      for (const kind of this.sliceKinds) {
        const id = g[kind];
        const t = id !== undefined ? sliceTallies.get(kind)?.get(id) : undefined;
        if (t) out.push(t);
      }
      return out;
    };
    const count = (g: Group, candidate: string, value: Dec) => {
      tally.addVotes(candidate, value);
      for (const t of slicesOf(g)) t.addVotes(candidate, value);
    };
    const record = (g: Group, value: Dec, unit: Dec, selected: string | null, status: BallotStatus) => {
      if (unit.signum() > 0) {
        this.transfers.add(this.round, g.recipient, selected, value);
        for (const kind of this.sliceKinds) {
          const id = g[kind];
          if (id !== undefined)
            this.slices.get(kind)?.get(id)?.transfers.add(this.round, g.recipient, selected, value);
        }
      }
      g.recipient = selected;
      if (g.snapshots) {
        const allocation: [string, Dec][] = [...g.locked];
        if (selected !== null) allocation.push([selected, unit]);
        g.snapshots.set(this.round, allocation);
      }
      if (selected === null) g.status = status;
      if (status !== 'active') {
        tally.addStatus(status, value);
        for (const t of slicesOf(g)) t.addStatus(status, value);
      }
    };

    const { rules } = this;
    const allSeatsFilled = this.usesSurpluses && this.winnerRound.size === rules.numberOfWinners;
    for (const g of this.groups) {
      const unit = unitValue(g);
      const value = unit.times(g.weight);
      if (g.status !== 'active') {
        tally.addStatus(g.status, value);
        for (const t of slicesOf(g)) t.addStatus(g.status, value);
        continue;
      }
      if (g.recipient !== null && this.continuing(g.recipient)) {
        count(g, g.recipient, value);
        continue;
      }
      if (g.rankings.length === 0) record(g, value, unit, null, 'undervote');

      let lastRank = 0;
      const seen = new Set<string>();
      for (const { rank, candidates } of g.rankings) {
        if (allSeatsFilled) {
          record(g, value, unit, null, 'finalRoundSurplus');
          break;
        }
        if (rank - lastRank > rules.maxSkippedRanksAllowed + 1) {
          record(g, value, unit, null, 'skippedRanking');
          break;
        }
        lastRank = rank;
        if (rules.exhaustOnDuplicateCandidate) {
          let duplicate = false;
          for (const c of candidates) {
            if (seen.has(c)) duplicate = true;
            seen.add(c);
            if (duplicate) break;
          }
          if (duplicate) {
            record(g, value, unit, null, 'repeatedRanking');
            break;
          }
        }
        const decision = this.overvoteDecision(candidates);
        if (decision === 'exhaust') {
          record(g, value, unit, null, 'overvote');
          break;
        }
        if (decision === 'skip') {
          if (rank === g.maxRank) record(g, value, unit, null, 'exhaustedChoice');
          continue;
        }
        const selected = candidates.find((c) => this.continuing(c));
        if (selected !== undefined) {
          record(g, value, unit, selected, 'active');
          count(g, selected, value);
          break;
        }
        if (rank === g.maxRank) record(g, value, unit, null, 'exhaustedChoice');
      }
    }
    for (const [kind, byId] of sliceTallies)
      for (const [id, t] of byId) this.slices.get(kind)!.get(id)!.rounds.push(t);
    return tally;
  }

  private overvoteDecision(candidates: readonly string[]): 'none' | 'exhaust' | 'skip' {
    const rule = this.rules.overvoteRule;
    if (candidates.includes(EXPLICIT_OVERVOTE)) {
      if (candidates.length !== 1)
        throw new RcvTabulationError('a ranking holds both the overvote label and a candidate');
      if (rule === 'exhaustImmediately') return 'exhaust';
      if (rule === 'alwaysSkipToNextRank') return 'skip';
      throw new RcvTabulationError(`overvoteRule ${rule} cannot be used with an explicit overvote label`);
    }
    if (candidates.length <= 1) return 'none';
    if (rule === 'exhaustImmediately') return 'exhaust';
    if (rule === 'alwaysSkipToNextRank') return 'skip';
    return candidates.filter((c) => this.continuing(c)).length > 1 ? 'exhaust' : 'none';
  }

  private threshold(tally: RoundTally): Dec {
    const votes = tally.activeBallots();
    const { rules } = this;
    if (this.percentageMode) return votes.mul(rules.bottomsUpPercentage ?? Dec.ZERO);
    const divisor = Dec.int(rules.hareQuota ? rules.numberOfWinners : rules.numberOfWinners + 1);
    const decimals = rules.nonIntegerWinningThreshold ? rules.decimalPlaces : 0;
    if (rules.hareQuota) return votes.divide(divisor, decimals, 'up');
    return votes.divide(divisor, decimals, 'down').add(Dec.of(1n, decimals));
  }

  private setThreshold(threshold: Dec): void {
    this.rounds.at(-1)!.threshold = threshold;
    for (const byId of this.slices.values())
      for (const s of byId.values()) s.rounds.at(-1)!.threshold = threshold;
  }

  /** Candidates grouped by tally, lowest first; within a group in the round's iteration order. */
  private byTally(tally: RoundTally, candidates: readonly string[]): { votes: Dec; names: string[] }[] {
    const groups: { votes: Dec; names: string[] }[] = [];
    for (const c of candidates) {
      const votes = tally.candidates.get(c) ?? Dec.ZERO;
      const found = groups.find((g) => g.votes.cmp(votes) === 0);
      if (found) found.names.push(c);
      else groups.push({ votes, names: [c] });
    }
    return groups.sort((a, b) => a.votes.cmp(b.votes));
  }

  private identifyWinners(tally: RoundTally, ordered: { votes: Dec; names: string[] }[]): string[] {
    const uwi = tally.candidates.get(UNDECLARED_WRITE_IN);
    if (uwi && uwi.signum() !== 0) return [];
    const active = tally.candidates.size;
    if (this.percentageMode) {
      const all = [...tally.candidates.entries()].every(([, v]) => v.cmp(tally.threshold) > 0);
      return all ? [...tally.candidates.keys()] : [];
    }
    const { rules } = this;
    let selected: string[] = [];
    const unfilled = rules.numberOfWinners - this.winnerRound.size;
    if (unfilled > 0) {
      if (active <= unfilled) selected = [...tally.candidates.keys()];
      else if (rules.firstRoundDeterminesThreshold && active - 1 === rules.numberOfWinners)
        selected = [...ordered.at(-1)!.names];
      else if (!this.bottomsUp)
        for (const g of ordered)
          if (g.votes.cmp(tally.threshold) >= 0)
            selected.push(...g.names.filter((n) => n !== UNDECLARED_WRITE_IN));
    }
    const tiebreakMany =
      selected.length > 1 &&
      (rules.winnerElectionMode === 'multiWinnerAllowOnlyOneWinnerPerRound' ||
        rules.firstRoundDeterminesThreshold);
    const tiebreakNone =
      rules.numberOfWinners === 1 && selected.length === 0 && active === 2 && unfilled === 1;
    if (tiebreakMany || tiebreakNone) {
      const top = ordered.at(-1)!;
      selected = top.names.length > 1 ? [this.tiebreak(true, top.names)] : [...top.names];
    }
    return selected;
  }

  private transferSurplus(winner: string, tally: RoundTally): void {
    const votes = tally.candidates.get(winner) ?? Dec.ZERO;
    const extra = votes.sub(tally.threshold);
    const d = this.rules.decimalPlaces;
    const fraction = extra.signum() > 0 ? extra.divide(votes, d, 'down') : Dec.ZERO;
    for (const g of this.groups) {
      if (g.recipient !== winner) continue;
      const unit = unitValue(g);
      const moving = unit.mul(fraction).setScaleDown(d);
      g.locked.set(winner, unit.sub(moving));
    }
  }

  private eliminate(tally: RoundTally, ordered: { votes: Dec; names: string[] }[]): string[] {
    const uwi = tally.candidates.get(UNDECLARED_WRITE_IN);
    if (uwi && uwi.signum() > 0) return [UNDECLARED_WRITE_IN];
    if (this.percentageMode && this.rules.cutoffElimination) {
      const below = ordered.filter((g) => g.votes.cmp(tally.threshold) < 0).flatMap((g) => g.names);
      if (below.length > 0 && below.length < tally.candidates.size) return below;
    }
    if (this.rules.batchElimination) {
      const batch = this.batchElimination(ordered);
      if (batch.length > 1) return batch;
    }
    const lowest = ordered[0]!;
    return [lowest.names.length > 1 ? this.tiebreak(false, lowest.names) : lowest.names[0]!];
  }

  /** Everyone whose combined votes cannot overtake the next candidate up, lowest first. */
  private batchElimination(ordered: { votes: Dec; names: string[] }[]): string[] {
    const d = this.rules.decimalPlaces;
    let running = Dec.ZERO;
    const seen: string[] = [];
    let eliminations: string[] = [];
    let previous: string[] = [];
    for (const { votes, names } of ordered) {
      if (running.cmp(votes) < 0) {
        const added = seen.filter((c) => !eliminations.includes(c));
        if (added.length > 0) {
          previous = eliminations;
          eliminations = [...eliminations, ...added];
        }
      }
      running = running.add(votes.mul(Dec.int(names.length)).setScaleDown(d));
      seen.push(...names);
    }
    if (
      this.rules.continueUntilTwoCandidatesRemain &&
      eliminations.length + this.eliminatedRound.size === this.numCandidates - 1
    )
      eliminations = previous;
    return eliminations;
  }

  private tiebreak(selectingWinner: boolean, tied: readonly string[]): string {
    const chosen = this.breakTie(selectingWinner, tied);
    this.decidedByTie.add(chosen);
    return chosen;
  }

  private breakTie(selectingWinner: boolean, tied: readonly string[]): string {
    const sorted = [...tied].sort(compareText);
    const mode = this.rules.tiebreakMode;
    const ask = (among: readonly string[]) => {
      const votes = this.rounds.at(-1)?.candidates.get(among[0]!)?.toString() ?? '0';
      return new RcvTabulationError(
        `round ${this.round}: tie to ${selectingWinner ? 'elect' : 'eliminate'} one of ${[...among]
          .sort(compareText)
          .map((c) => `"${c}"`)
          .join(', ')} (${votes} votes each); tiebreakMode ${mode} needs an operator's decision — ` +
          'choose a non-interactive tiebreakMode to count without one',
      );
    };
    const random = (among: readonly string[]) => {
      if (!this.random) throw new RcvTabulationError('random tiebreak without a random seed');
      return among[Math.floor(this.random.nextDouble() * among.length)]!;
    };
    switch (mode) {
      case 'random':
        return random(sorted);
      case 'stopCountingAndAsk':
        throw ask(sorted);
      case 'useCandidateOrder':
      case 'generatePermutation': {
        const order = selectingWinner ? this.permutation : [...this.permutation].reverse();
        const pick = order.find((c) => sorted.includes(c));
        if (pick === undefined) throw new RcvTabulationError(`no tiebreak order for ${sorted.join(', ')}`);
        return pick;
      }
      default: {
        let contention = sorted;
        for (let r = this.round - 1; r > 0 && contention.length > 1; r--) {
          const groups = this.byTally(this.rounds[r - 1]!, javaHashOrder(contention));
          contention = (selectingWinner ? groups.at(-1)! : groups[0]!).names;
        }
        if (contention.length === 1) return contention[0]!;
        if (mode === 'previousRoundCountsThenAsk') throw ask(contention);
        return random(contention);
      }
    }
  }

  private updateWinnerTallies(): void {
    const tally = this.rounds.at(-1)!;
    const previous = this.rounds.at(-2);
    const toProcess: string[] = [];
    const fresh = new Set<string>();
    for (const [w, r] of this.winnerRound) {
      if (r === this.round) continue;
      toProcess.push(w);
      if (r === this.round - 1) fresh.add(w);
    }
    const sliceRounds = [...this.slices.values()].flatMap((byId) => [...byId.values()].map((s) => s.rounds));
    for (const w of toProcess) {
      tally.candidates.set(w, fresh.has(w) ? Dec.ZERO : (previous?.candidates.get(w) ?? Dec.ZERO));
      for (const rounds of sliceRounds)
        rounds
          .at(-1)!
          .candidates.set(w, fresh.has(w) ? Dec.ZERO : (rounds.at(-2)?.candidates.get(w) ?? Dec.ZERO));
    }
    if (fresh.size === 0) return;
    for (const g of this.groups)
      for (const [w, unit] of g.locked) {
        if (!fresh.has(w)) continue;
        const value = unit.times(g.weight);
        tally.candidates.set(w, tally.candidates.get(w)!.add(value));
        for (const kind of this.sliceKinds) {
          const id = g[kind];
          const t = id !== undefined ? this.slices.get(kind)?.get(id)?.rounds.at(-1) : undefined;
          if (t) t.candidates.set(w, (t.candidates.get(w) ?? Dec.ZERO).add(value));
        }
      }
    for (const w of fresh) {
      const residual = tally.candidates.get(w)!.sub(tally.threshold);
      if (residual.signum() > 0) {
        this.residual[this.residual.length - 1] = this.residual.at(-1)!.add(residual);
        tally.candidates.set(w, tally.threshold);
        this.transfers.add(this.round, w, RESIDUAL_SURPLUS, residual);
      }
    }
  }

  /** RCTab's display order: first-round tally descending (stable over its HashMap order), write-ins last. */
  private candidateOrder(): string[] {
    const first = this.rounds[0];
    if (!first) return [];
    const entries = [...first.candidates.entries()];
    return entries
      .map(([name, votes], index) => ({ name, votes, index }))
      .sort((a, b) => {
        if (a.name === UNDECLARED_WRITE_IN) return 1;
        if (b.name === UNDECLARED_WRITE_IN) return -1;
        return b.votes.cmp(a.votes) || a.index - b.index;
      })
      .map((e) => e.name);
  }
}
