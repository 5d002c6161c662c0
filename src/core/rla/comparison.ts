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

/** Ballots to sample to confirm at `riskLimit` when the audit finds the given discrepancies. */
export function superSimpleSampleSize(
  riskLimit: number,
  dilutedMargin: number,
  gamma = DEFAULT_GAMMA,
  d: Discrepancies = {},
): number {
  const g = gamma;
  const sum =
    Math.log(riskLimit) +
    (d.o1 ?? 0) * Math.log(1 - 1 / (2 * g)) +
    (d.o2 ?? 0) * Math.log(1 - 1 / g) +
    (d.u1 ?? 0) * Math.log(1 + 1 / (2 * g)) +
    (d.u2 ?? 0) * Math.log(1 + 1 / g);
  return Math.ceil((-2 * g * sum) / dilutedMargin);
}

/** The Kaplan–Markov P-value of a sample of `n` ballots with those discrepancies (at most 1). */
export function superSimplePValue(
  n: number,
  dilutedMargin: number,
  gamma = DEFAULT_GAMMA,
  d: Discrepancies = {},
): number {
  const g = gamma;
  const log =
    n * Math.log(1 - dilutedMargin / (2 * g)) -
    (d.o1 ?? 0) * Math.log(1 - 1 / (2 * g)) -
    (d.o2 ?? 0) * Math.log(1 - 1 / g) -
    (d.u1 ?? 0) * Math.log(1 + 1 / (2 * g)) -
    (d.u2 ?? 0) * Math.log(1 + 1 / g);
  return Math.min(1, Math.exp(log));
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
