import { closest } from 'fastest-levenshtein';

/** " (did you mean "x"?)" for the nearest of the valid names, or "" when there are none. */
export function didYouMean(value: string, valid: readonly string[]): string {
  if (valid.length === 0) return '';
  return ` (did you mean ${JSON.stringify(closest(value, valid as string[]))}?)`;
}
