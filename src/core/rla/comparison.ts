/**
 * Ballot-level comparison audits: the super-simple / Kaplan–Markov sample size and P-value (Stark 2010),
 * the general Kaplan–Markov P-value, and SHANGRLA's overstatement assorter.
 */

export interface Discrepancies {
  /** One- and two-vote overstatements, one- and two-vote understatements. */
  readonly o1?: number;
  readonly o2?: number;
  readonly u1?: number;
  readonly u2?: number;
}

export const DEFAULT_GAMMA = 1.03905;

/** Σ count·ln(factor) over the discrepancy kinds: what discrepancies add to the log of the P-value's denominator. */
function discrepancyLog(g: number, d: Discrepancies): number {
  return (
    (d.o1 ?? 0) * Math.log(1 - 1 / (2 * g)) +
    (d.o2 ?? 0) * Math.log(1 - 1 / g) +
    (d.u1 ?? 0) * Math.log(1 + 1 / (2 * g)) +
    (d.u2 ?? 0) * Math.log(1 + 1 / g)
  );
}

/** Ballots to sample to confirm at `riskLimit` when the audit finds the given discrepancies. */
export function superSimpleSampleSize(
  riskLimit: number,
  dilutedMargin: number,
  gamma = DEFAULT_GAMMA,
  d: Discrepancies = {},
): number {
  return Math.ceil((-2 * gamma * (Math.log(riskLimit) + discrepancyLog(gamma, d))) / dilutedMargin);
}

/** The Kaplan–Markov P-value of a sample of `n` ballots with those discrepancies (at most 1). */
export function superSimplePValue(
  n: number,
  dilutedMargin: number,
  gamma = DEFAULT_GAMMA,
  d: Discrepancies = {},
): number {
  return Math.min(1, Math.exp(n * Math.log(1 - dilutedMargin / (2 * gamma)) - discrepancyLog(gamma, d)));
}

/** min over j of Π_{i≤j} (t + g)/(x_i + g): the Kaplan–Markov P-value of assorter values x. */
export function kaplanMarkovPValue(x: readonly number[], t = 0.5, g = 0): number {
  let log = 0;
  let best = 0;
  for (const xi of x) {
    log += Math.log(t + g) - Math.log(xi + g);
    best = Math.min(best, log);
  }
  return Math.min(1, Math.exp(best));
}

/**
 * SHANGRLA's overstatement assorter for one ballot: (1 − ω/u)/(2 − v/u), where ω = A(CVR) − A(paper) is
 * the overstatement and v = 2·(reported assorter mean) − 1 the reported assorter margin.
 */
export function overstatementAssorter(cvrValue: number, paperValue: number, margin: number, u = 1): number {
  const omega = cvrValue - paperValue;
  return (1 - omega / u) / (2 - margin / u);
}

/** Expected discrepancy rates, per ballot sampled. */
export interface DiscrepancyRates {
  readonly o1?: number;
  readonly o2?: number;
  readonly u1?: number;
  readonly u2?: number;
}

/**
 * The smallest sample that meets the risk limit if discrepancies turn up at the expected rates
 * (each count rounded up, as Arlo plans comparison rounds).
 */
export function superSimpleSampleSizeForRates(
  riskLimit: number,
  dilutedMargin: number,
  rates: DiscrepancyRates,
  gamma = DEFAULT_GAMMA,
  limit = 10_000_000,
): number {
  const at = (n: number) => ({
    o1: Math.ceil((rates.o1 ?? 0) * n),
    o2: Math.ceil((rates.o2 ?? 0) * n),
    u1: Math.floor((rates.u1 ?? 0) * n),
    u2: Math.floor((rates.u2 ?? 0) * n),
  });
  // Each ballot must lower the P-value on average, or no sample will ever do.
  if (Math.log(1 - dilutedMargin / (2 * gamma)) - discrepancyLog(gamma, rates) >= 0)
    return Number.POSITIVE_INFINITY;
  for (let n = superSimpleSampleSize(riskLimit, dilutedMargin, gamma); n <= limit; n++)
    if (superSimplePValue(n, dilutedMargin, gamma, at(n)) <= riskLimit) return n;
  return Number.POSITIVE_INFINITY;
}
