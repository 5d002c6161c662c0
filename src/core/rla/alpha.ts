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

/** Running P-values min(1, 1/T_j) after each draw, and the sample's P-value min(1, 1/max_j T_j). */
export function alphaMartingale(
  x: readonly number[],
  o: AlphaOptions,
): { pValues: number[]; pValue: number } {
  const { t, u } = o;
  const d = o.d ?? 100;
  const c = o.c ?? (o.eta - t) / 2;
  const pValues: number[] = [];
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  let logT = 0;
  let sum = 0;
  for (let j = 1; j <= x.length; j++) {
    const xj = x[j - 1]!;
    const mu = o.N === undefined ? t : (o.N * t - sum) / (o.N - j + 1);
    sum += xj;
    // A null mean below 0 proves the assertion; above u refutes it; at 0 or u a draw tells nothing.
    if (mu < 0 && !close(mu, 0)) {
      pValues.push(0);
      continue;
    }
    if (mu > u && !close(mu, u)) {
      pValues.push(1);
      continue;
    }
    if (close(mu, 0) || close(mu, u)) {
      pValues.push(1);
      continue;
    }
    const prior = sum - xj;
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
    pValues.push(Math.min(1, Math.exp(-logT)));
  }
  // A sample whose total already exceeds the null's total for the whole population proves the assertion.
  if (o.N !== undefined && x.length > 0 && sum > o.N * t) pValues[pValues.length - 1] = 0;
  return { pValues, pValue: pValues.length ? Math.min(...pValues) : 1 };
}
