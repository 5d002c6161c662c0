/**
 * RAIRE (Blom, Stuckey & Teague 2019): assertions that together rule out every IRV elimination order in
 * which the reported winner loses. Each is a comparison of two tallies, so an audit tests it exactly like
 * a plurality winner–loser pair (a ballot counts for its winner, for its loser, or for neither).
 * - NEB(w, ℓ) "w is never eliminated before ℓ": w's first preferences exceed the ballots on which ℓ is
 *   ranked above w (or ranked where w is not) — ℓ's tally cannot reach w's while w stands.
 * - NEN(w, ℓ | S) "w is not eliminated next when exactly S remain": with only S left, w's tally exceeds ℓ's.
 * The search walks the tails of elimination orders (the last candidates standing, the alternative winner
 * last), hardest first, and rules each out with the easiest assertion that contradicts it or an ancestor;
 * the hardest assertion it keeps is the least any set of these assertions can do with.
 */
import { compareText } from '../compare.js';
import { MaxHeap } from '../max-heap.js';
import { err, ok, type Result } from '../result.js';

/** A ballot's preferences in the contest: candidate ids, most preferred first, each once. */
export type Ranking = readonly string[];

export interface Assertion {
  readonly kind: 'NEB' | 'NEN';
  readonly winner: string;
  readonly loser: string;
  /** NEN only: the candidates remaining, sorted. */
  readonly remaining?: readonly string[];
}

export interface TalliedAssertion extends Assertion {
  /** Ballots that count for the assertion's winner and for its loser. */
  readonly winnerVotes: number;
  readonly loserVotes: number;
}

/** How hard an assertion is to audit, from its two tallies: Infinity when it does not hold. */
export type Difficulty = (winnerVotes: number, loserVotes: number) => number;

const SEP = '\u0000';

/** What one ballot gives an assertion: [1 if it counts for the winner, 1 if it counts for the loser]. */
export function assertionVotes(a: Assertion, ranking: Ranking): [number, number] {
  if (a.kind === 'NEB') {
    const w = ranking.indexOf(a.winner);
    const l = ranking.indexOf(a.loser);
    return [w === 0 ? 1 : 0, l >= 0 && (w < 0 || l < w) ? 1 : 0];
  }
  const remaining = a.remaining ?? [];
  const top = ranking.find((c) => remaining.includes(c));
  return [top === a.winner ? 1 : 0, top === a.loser ? 1 : 0];
}

/** Ballots as counts of distinct rankings: every RAIRE tally is computed from these. */
export class RankingTally {
  private readonly counts = new Map<string, number>();
  private parsed: [Ranking, number][] | undefined;
  private total = 0;

  add(ranking: Ranking, count = 1): void {
    const key = ranking.join(SEP);
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
    this.total += count;
    this.parsed = undefined;
  }

  get ballots(): number {
    return this.total;
  }

  rankings(): readonly [Ranking, number][] {
    this.parsed ??= [...this.counts].map(([k, n]) => [k === '' ? [] : k.split(SEP), n]);
    return this.parsed;
  }

  /** Each remaining candidate's tally when only `remaining` are left. */
  restricted(remaining: Iterable<string>): Map<string, number> {
    const set = new Set(remaining);
    const out = new Map([...set].map((c) => [c, 0]));
    for (const [r, n] of this.rankings()) {
      const top = r.find((c) => set.has(c));
      if (top !== undefined) out.set(top, out.get(top)! + n);
    }
    return out;
  }

  tallied(a: Assertion): TalliedAssertion {
    let winnerVotes = 0;
    let loserVotes = 0;
    for (const [r, n] of this.rankings()) {
      const [w, l] = assertionVotes(a, r);
      winnerVotes += w * n;
      loserVotes += l * n;
    }
    return { ...a, winnerVotes, loserVotes };
  }
}

export interface IrvTie {
  readonly tied: string[];
  readonly votes: number;
}

/**
 * The IRV elimination order, the winner last: the candidate with fewest votes goes each round. Candidates
 * without a vote go first (their order cannot matter); any other tie for last place is refused.
 */
export function irvElimination(tally: RankingTally, candidates: readonly string[]): Result<string[], IrvTie> {
  const remaining = new Set(candidates);
  const order: string[] = [];
  while (remaining.size > 1) {
    const counts = [...tally.restricted(remaining)];
    const fewest = Math.min(...counts.map(([, v]) => v));
    const lowest = counts
      .filter(([, v]) => v === fewest)
      .map(([c]) => c)
      .sort(compareText);
    if (lowest.length > 1 && fewest > 0) return err({ tied: lowest, votes: fewest });
    order.push(lowest[0]!);
    remaining.delete(lowest[0]!);
  }
  order.push(...remaining);
  return ok(order);
}

/** Whether `a` contradicts every elimination order ending in `tail` (the last candidates standing, in order). */
export function rulesOut(a: Assertion, tail: readonly string[]): boolean {
  if (a.kind === 'NEB') {
    const l = tail.indexOf(a.loser);
    if (l < 0) return false;
    const w = tail.indexOf(a.winner);
    return w < 0 || w < l;
  }
  const remaining = a.remaining ?? [];
  if (remaining.length > tail.length) return false;
  const suffix = tail.slice(tail.length - remaining.length);
  return suffix[0] === a.winner && suffix.every((c) => remaining.includes(c));
}

export interface RaireResult {
  readonly assertions: TalliedAssertion[];
  /** The hardest assertion's difficulty. */
  readonly difficulty: number;
}

export interface RaireOptions {
  /** Names for messages (ids otherwise). */
  readonly names?: ReadonlyMap<string, string>;
  /** Partial elimination orders to explore before giving up. */
  readonly limit?: number;
}

interface Scored {
  readonly assertion: TalliedAssertion;
  readonly difficulty: number;
  readonly key: string;
}

interface Tail {
  readonly order: string[];
  /** The easiest assertion that rules out this tail or one it extends. */
  readonly best: Scored | undefined;
}

const keyOf = (a: Assertion) => [a.kind, a.winner, a.loser, ...(a.remaining ?? [])].join(SEP);
const difficultyOf = (t: Tail) => t.best?.difficulty ?? Number.POSITIVE_INFINITY;
const compareNumber = (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1);
const easier = (a: Scored | undefined, b: Scored | undefined): Scored | undefined =>
  !b ? a : !a ? b : a.difficulty < b.difficulty || (a.difficulty === b.difficulty && a.key <= b.key) ? a : b;

/** RAIRE's assertions for `winner` of an IRV contest among `candidates`. */
export function raire(
  tally: RankingTally,
  candidates: readonly string[],
  winner: string,
  difficulty: Difficulty,
  options: RaireOptions = {},
): Result<RaireResult> {
  const limit = options.limit ?? 1_000_000;
  const name = (id: string) => options.names?.get(id) ?? id;
  const sorted = [...candidates].sort(compareText);
  const n = sorted.length;
  const scores = new Map<string, Scored | undefined>();
  const score = (a: Assertion): Scored | undefined => {
    const key = keyOf(a);
    if (!scores.has(key)) {
      const t = tally.tallied(a);
      const d = difficulty(t.winnerVotes, t.loserVotes);
      scores.set(key, Number.isFinite(d) ? { assertion: t, difficulty: d, key } : undefined);
    }
    return scores.get(key);
  };
  const ownBest = (order: readonly string[]): Scored | undefined => {
    let best: Scored | undefined;
    for (const [i, loser] of order.entries())
      for (const w of sorted) {
        const at = order.indexOf(w);
        if (w !== loser && at < i) best = easier(best, score({ kind: 'NEB', winner: w, loser }));
      }
    if (order.length >= 2) {
      const remaining = [...order].sort(compareText);
      for (const loser of order.slice(1))
        best = easier(best, score({ kind: 'NEN', winner: order[0]!, loser, remaining }));
    }
    return best;
  };
  const extend = (t: Tail, c: string): Tail => {
    const order = [c, ...t.order];
    const own = ownBest(order);
    return { order, best: own && own.difficulty < difficultyOf(t) ? own : t.best };
  };
  const kept = new Map<string, Scored>();
  let bound = 0;
  const rest = (order: readonly string[]) => sorted.filter((c) => !order.includes(c));
  const leaf = (t: Tail): Result<void> => {
    if (!t.best)
      return err(
        `no assertion rules out the elimination order ${t.order.map(name).join(', ')}: ${name(winner)} may not be the IRV winner`,
      );
    bound = Math.max(bound, t.best.difficulty);
    kept.set(t.best.key, t.best);
    return ok(undefined);
  };

  const roots = sorted.filter((c) => c !== winner).map((c) => extend({ order: [], best: undefined }, c));
  const byDifficulty = (a: Tail, b: Tail) =>
    compareNumber(difficultyOf(a), difficultyOf(b)) || compareText(b.order.join(SEP), a.order.join(SEP));
  const frontier = new MaxHeap<Tail>(byDifficulty);
  for (const r of roots) frontier.push(r);

  // A first dive to a complete order, always by the easiest extension, gives a bound to prune with.
  let dive = frontier.peek();
  while (dive && dive.order.length < n) {
    const from: Tail = dive;
    dive = rest(from.order)
      .map((c) => extend(from, c))
      .reduce((a, b) => (byDifficulty(a, b) <= 0 ? a : b));
  }
  if (dive && n > 1) {
    const r = leaf(dive);
    if (!r.ok) return r;
  }

  let explored = 0;
  for (let t = frontier.popMax(); t; t = frontier.popMax()) {
    if (difficultyOf(t) <= bound) {
      kept.set(t.best!.key, t.best!);
      continue;
    }
    if (++explored > limit)
      return err(
        `RAIRE explored ${limit} partial elimination orders of ${n} candidates without settling: too many close candidates to audit this contest by assertions`,
      );
    for (const c of rest(t.order)) {
      const child = extend(t, c);
      if (child.order.length < n) frontier.push(child);
      else {
        const r = leaf(child);
        if (!r.ok) return r;
      }
    }
  }
  const trimmed = trim(
    [...kept.values()].sort((a, b) => b.difficulty - a.difficulty || compareText(a.key, b.key)),
    sorted,
    winner,
    limit,
  );
  if (!trimmed.ok) return trimmed;
  return ok({ assertions: trimmed.value.map((s) => s.assertion), difficulty: bound });
}

/** Drops, hardest first, every assertion the others can do without. */
function trim(
  scored: readonly Scored[],
  candidates: readonly string[],
  winner: string,
  limit: number,
): Result<Scored[]> {
  let keep = [...scored];
  for (const s of scored) {
    const without = keep.filter((k) => k !== s);
    const gap = unruledOrder(
      without.map((k) => k.assertion),
      candidates,
      winner,
      limit,
    );
    if (!gap.ok) return gap;
    if (gap.value === undefined) keep = without;
  }
  return ok(keep);
}

/**
 * An elimination order in which `winner` loses and no assertion is contradicted, or undefined when the
 * assertions rule out every such order: what makes a set of assertions enough to confirm the winner.
 */
export function unruledOrder(
  assertions: readonly Assertion[],
  candidates: readonly string[],
  winner: string,
  limit = 1_000_000,
): Result<string[] | undefined> {
  const stack: string[][] = candidates.filter((c) => c !== winner).map((c) => [c]);
  let visited = 0;
  for (let tail = stack.pop(); tail; tail = stack.pop()) {
    if (++visited > limit) return err(`more than ${limit} partial elimination orders to check`);
    if (assertions.some((a) => rulesOut(a, tail!))) continue;
    if (tail.length === candidates.length) return ok(tail);
    for (const c of candidates) if (!tail.includes(c)) stack.push([c, ...tail]);
  }
  return ok(undefined);
}
