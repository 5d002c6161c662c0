/** Ordering by UTF-16 code units — what Java's String.compareTo and JavaScript's default sort do. */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
