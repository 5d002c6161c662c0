/** Ordering by UTF-16 code units — what Java's String.compareTo and JavaScript's default sort do. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/**
 * Ordering as a person files things: runs of digits by their value (batch 1-3 before 1-13), the rest
 * by the text; ties in that order broken by code units, so the order is total.
 */
export const compareNatural = (a: string, b: string): number => natural.compare(a, b) || compareText(a, b);
