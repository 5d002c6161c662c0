/**
 * The ALPHA martingale (Stark 2022) for the hypothesis "the mean of x over the population is at most t",
 * x ∈ [0, u]: with a finite population of N, the null mean of what is left moves as values are drawn.
 */

export interface AlphaOptions {
  /** Null mean (½ for an assorter). */
  readonly t: number;
  /** Upper bound of the values. */
  readonly u: number;
  /** The alternative mean: fixed, or the starting point of the shrink-trunc estimator. */
  readonly eta: number;
  readonly estimator: 'fixed' | 'shrink-trunc';
  /** Population size; infinite when absent (sampling with replacement). */
  readonly N?: number;
  /** shrink-trunc: weight of eta against the sample mean (SHANGRLA's default 100). */
  readonly d?: number;
  /** shrink-trunc: how far above the null mean the estimate stays (SHANGRLA's default (η − t)/2). */
  readonly c?: number;
}

/**
 * The martingale one draw at a time: each call takes the next value and gives the running P-value
 * min(1, 1/T_j) — 0 once the draws prove the assertion (a null mean below 0, or, for a finite
 * population, a total already above the null's total for all of it).
 */
export function alphaStepper(o: AlphaOptions): (x: number) => number {
  const { t, u } = o;
  const d = o.d ?? 100;
  const c = o.c ?? (o.eta - t) / 2;
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  let logT = 0;
  let sum = 0;
  let j = 0;
  return (xj) => {
    j++;
    const mu = o.N === undefined ? t : (o.N * t - sum) / (o.N - j + 1);
    const prior = sum;
    sum += xj;
    if (o.N !== undefined && sum > o.N * t) return 0;
    // A null mean below 0 proves the assertion; above u refutes it; at 0 or u a draw tells nothing.
    if (mu < 0 && !close(mu, 0)) return 0;
    if ((mu > u && !close(mu, u)) || close(mu, 0) || close(mu, u)) return 1;
    // A fixed alternative is the population's mean; for what is left of a finite population it moves
    // with the draws as the null mean does (SHANGRLA's fixed_alternative_mean).
    const eta =
      o.estimator === 'fixed'
        ? o.N === undefined
          ? o.eta
          : (o.N * o.eta - prior) / (o.N - j + 1)
        : Math.min(
            u * (1 - Number.EPSILON),
            Math.max((d * o.eta + prior) / (d + j - 1), mu + c / Math.sqrt(d + j - 1)),
          );
    logT += Math.log((xj * eta) / mu + ((u - xj) * (u - eta)) / (u - mu)) - Math.log(u);
    return Math.min(1, Math.exp(-logT));
  };
}

/** Running P-values after each draw, and the sample's P-value min(1, 1/max_j T_j). */
export function alphaMartingale(
  x: readonly number[],
  o: AlphaOptions,
): { pValues: number[]; pValue: number } {
  const step = alphaStepper(o);
  const pValues = x.map((xj) => step(xj));
  return { pValues, pValue: pValues.length ? Math.min(...pValues) : 1 };
}

/**
 * The draws the running P-value needs to reach the risk limit were draw j to read `assumed(j)` (the
 * deterministic estimate SHANGRLA makes: every draw the reported assorter mean, or a comparison audit's
 * clean value with overstatements at expected rates); Infinity when `limit` draws do not do.
 */
export function alphaSampleSize(
  riskLimit: number,
  o: AlphaOptions,
  assumed: (j: number) => number,
  limit = o.N ?? 1_000_000,
): number {
  const step = alphaStepper(o);
  for (let j = 1; j <= limit; j++) if (step(assumed(j)) <= riskLimit) return j;
  return Number.POSITIVE_INFINITY;
}

/**
 * A comparison audit's overstatement-assorter values (SHANGRLA, u = 1 for the assorter): a clean ballot
 * reads 1/(2 − v); one- and two-vote overstatements, spread evenly at the given rates, read
 * (1 − ½)/(2 − v) and 0. The values are bounded by 2/(2 − v), the `u` to use with them.
 */
export function comparisonValues(margin: number, rates: { o1?: number; o2?: number } = {}) {
  const at = (rate: number | undefined, j: number) =>
    Math.floor(j * (rate ?? 0)) > Math.floor((j - 1) * (rate ?? 0));
  return {
    u: 2 / (2 - margin),
    value: (j: number) => (at(rates.o2, j) ? 0 : at(rates.o1, j) ? 0.5 / (2 - margin) : 1 / (2 - margin)),
  };
}
