import { distance } from 'fastest-levenshtein';

/**
 * The valid name nearest to `value`, when it is near enough to be a likely typo: at most 40 % of the longer
 * name's letters differ (case aside), and at least one may. Farther names are noise (`mayor` is not a
 * misspelling of `Governor`), so none is offered.
 */
export function closeName(value: string, valid: readonly string[]): string | undefined {
  const wanted = value.toLowerCase();
  let best: { name: string; edits: number } | undefined;
  for (const name of valid) {
    const edits = distance(wanted, name.toLowerCase());
    if (!best || edits < best.edits) best = { name, edits };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(0.4 * Math.max(value.length, best.name.length)));
  return best.edits <= allowed ? best.name : undefined;
}

/** " (did you mean "x"?)" for a close valid name, or "" when none is close. */
export function didYouMean(value: string, valid: readonly string[]): string {
  const near = closeName(value, valid);
  return near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`;
}
