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
  /** shrink-trunc: how far inside (m_j, u) the estimate stays (SHANGRLA's default (η − t)/2 − ε). */
  readonly c?: number;
}

/** numpy's `finfo(float).eps`, and the absolute tolerance SHANGRLA's `alpha_mart` compares with. */
const EPS = Number.EPSILON;
const ATOL = 2 * EPS;

/** numpy's `isclose(a, b, rtol, atol)`: |a − b| ≤ atol + rtol·|b|; infinities only close to themselves. */
const isClose = (a: number, b: number, rtol = 1e-5) =>
  Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) <= ATOL + rtol * Math.abs(b) : a === b;

/** What SHANGRLA warns of while computing (its `warnings.warn` texts). */
export interface AlphaWarnings {
  readonly warnings: string[];
}

/**
 * The martingale one draw at a time, as SHANGRLA's `NonnegMean.alpha_mart` computes it
 * (pbstark/SHANGRLA shangrla/core/NonnegMean.py, read at 9d5db92, May 2026): T_j is the running
 * product of (x_j·η_j/m_j + (u − x_j)(u − η_j)/(u − m_j))/u, m_j the null mean of what is left, and
 * each call gives T_j as SHANGRLA's final term for the first j draws — 0 where m_j > u, 1 where m_j is
 * 0 or u or T_j vanishes, ∞ where m_j < 0 or the draws' total already exceeds N·t (numpy's `isclose`
 * tolerances) — while the product itself runs on unchanged, as numpy's `cumprod` does.
 *
 * η_j: `fixed`, SHANGRLA's `fixed_alternative_mean` — η for a population sampled with replacement, and
 * for a finite one (N·η − S_j)/(N − j + 1), the mean of what is left were the population's mean η. When
 * the draws make that impossible (below 0 or above u), SHANGRLA goes on with it and warns, and so does
 * this (the warning in `warnings`; a running value can then be negative, which SHANGRLA reports as it
 * is). `shrink-trunc`, SHANGRLA's `shrink_trunc` (f = 0): (d·η + S_j)/(d + j − 1), kept at least
 * m_j(1 + ε) + c/√(d + j − 1) and, since SHANGRLA's change of May 2025, at most u(1 − ε) − c/√(d + j − 1);
 * c defaults to (η − t)/2 − ε, reset to (u − c)/2 (with a warning) where u − c < t + c.
 */
export function alphaTermStepper(
  o: AlphaOptions,
  out: AlphaWarnings = { warnings: [] },
): (x: number) => number {
  const { t, u, N } = o;
  const d = o.d ?? 100;
  let c = o.c ?? (o.eta - t) / 2 - EPS;
  if (o.estimator === 'shrink-trunc' && u - c < t + c) {
    const reset = (u - c) / 2;
    out.warnings.push(`c=${c} is too large: resetting to ${reset}`);
    c = reset;
  }
  let product = 1;
  let sum = 0;
  let j = 0;
  let negative = 0;
  let aboveU = 0;
  const finite = N !== undefined;
  return (xj) => {
    j++;
    const m = finite ? (N * t - sum) / (N - j + 1) : t;
    let eta: number;
    if (o.estimator === 'fixed') {
      eta = finite ? (N * o.eta - sum) / (N - j + 1) : o.eta;
      if (eta < 0) {
        negative++;
        setWarning(out, 'negative', `Implied population mean is negative in ${negative} of ${j} terms`);
      }
      if (eta > u) {
        aboveU++;
        setWarning(
          out,
          'greater',
          `Implied population mean is greater than u=${u} in ${aboveU} of ${j} terms`,
        );
      }
    } else {
      const tol = c / Math.sqrt(d + j - 1);
      const weighted = (d * o.eta + sum) / (d + j - 1);
      eta = Math.min(u * (1 - EPS) - tol, Math.max(weighted, m * (1 + EPS) + tol));
    }
    product *= ((xj * eta) / m + ((u - xj) * (u - eta)) / (u - m)) / u;
    sum += xj;
    let term = product;
    if (m > u) term = 0; // the true mean is certainly below the null's
    if (isClose(0, m) || isClose(u, m, 1e-6)) term = 1; // a draw tells nothing
    if (isClose(0, term)) term = 1; // the martingale has vanished
    if (m < 0 || (finite && sum > N * t)) term = Number.POSITIVE_INFINITY; // the null is impossible
    return term;
  };
}

/** SHANGRLA warns once per test with the final counts: keep one line per kind, updated as draws come. */
function setWarning(out: AlphaWarnings, kind: 'negative' | 'greater', text: string) {
  const prefix = `Implied population mean is ${kind}`;
  const at = out.warnings.findIndex((w) => w.startsWith(prefix));
  if (at >= 0) out.warnings[at] = text;
  else out.warnings.push(text);
}

/** The running P-value after each draw, min(1, 1/T_j), as SHANGRLA's `alpha_mart` history. */
export function alphaStepper(o: AlphaOptions, out?: AlphaWarnings): (x: number) => number {
  const step = alphaTermStepper(o, out);
  return (x) => Math.min(1, 1 / step(x));
}

/**
 * Running P-values after each draw, and the sample's P-value min(1, 1/max_j T_j) (1 where a term is not a
 * number, as Python's `min(1, nan)`), with SHANGRLA's warnings.
 */
export function alphaMartingale(
  x: readonly number[],
  o: AlphaOptions,
): { pValues: number[]; pValue: number; warnings: string[] } {
  const out: AlphaWarnings = { warnings: [] };
  const step = alphaTermStepper(o, out);
  const terms = x.map((xj) => step(xj));
  const pValues = terms.map((term) => Math.min(1, 1 / term));
  let max = Number.NEGATIVE_INFINITY;
  for (const term of terms) max = Number.isNaN(term) || Number.isNaN(max) ? Number.NaN : Math.max(max, term);
  const pValue = terms.length === 0 || Number.isNaN(max) ? 1 : Math.min(1, 1 / max);
  return { pValues, pValue, warnings: out.warnings };
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
  // A negative running value (a fixed alternative the assumed draws make impossible) is no P-value.
  for (let j = 1; j <= limit; j++) {
    const p = step(assumed(j));
    if (p >= 0 && p <= riskLimit) return j;
  }
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
