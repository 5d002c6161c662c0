/**
 * Canonical JSON (the RFC 8785 subset Tallyproof needs): object keys sorted by UTF-16 code units,
 * no whitespace, strings as JSON.stringify writes them, integers only. Same value → same bytes.
 */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`canonical JSON allows integers only, not ${value}`);
    return String(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v: CanonicalValue) => canonicalJson(v)).join(',')}]`;
  const obj = value as { readonly [key: string]: CanonicalValue | undefined };
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k]!)}`).join(',')}}`;
}
