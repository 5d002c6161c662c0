/** Parse an election definition from its exact bytes: JSON, schema, referential integrity, identity. */
import type { z } from 'zod';
import { fromUtf8 } from '../bytes.js';
import { didYouMean } from '../closest.js';
import { portableSha256, type Sha256, sha256Hex } from '../hash.js';
import { err, ok, type Result } from '../result.js';
import { choicesOf, type Election, ElectionSchema } from './schema.js';

export interface DefinitionIssue {
  /** JSON path, e.g. `$.contests[2].district`. */
  readonly path: string;
  readonly message: string;
}

export interface LoadedElection {
  readonly election: Election;
  /** SHA-256 (hex) of the definition's exact bytes: its identity. */
  readonly sha256: string;
  readonly bytes: Uint8Array;
}

export const formatPath = (path: readonly PropertyKey[]): string =>
  `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;

export const zodIssues = (error: z.ZodError): DefinitionIssue[] =>
  error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));

export const describeIssues = (issues: readonly DefinitionIssue[]): string =>
  issues.map((i) => `${i.path}: ${i.message}`).join('; ');

export function loadElection(
  bytes: Uint8Array,
  sha256: Sha256 = portableSha256,
): Result<LoadedElection, DefinitionIssue[]> {
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(bytes));
  } catch (e) {
    return err([{ path: '$', message: `not valid JSON: ${(e as Error).message}` }]);
  }
  const parsed = ElectionSchema.safeParse(json);
  if (!parsed.success) return err(zodIssues(parsed.error));
  const issues = referentialIssues(parsed.data);
  if (issues.length > 0) return err(issues);
  return ok({ election: parsed.data, sha256: sha256Hex(bytes, sha256), bytes });
}

export function referentialIssues(e: Election): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const uniqueIds = (items: readonly { id: string }[], path: string): string[] => {
    const seen = new Set<string>();
    items.forEach((item, i) => {
      if (seen.has(item.id))
        issues.push({ path: `${path}[${i}].id`, message: `duplicate id ${JSON.stringify(item.id)}` });
      seen.add(item.id);
    });
    return [...seen];
  };
  const refer = (value: string | undefined, valid: readonly string[], path: string, what: string) => {
    if (value !== undefined && !valid.includes(value))
      issues.push({ path, message: `unknown ${what} ${JSON.stringify(value)}${didYouMean(value, valid)}` });
  };

  const jurisdictions = uniqueIds(e.jurisdictions, '$.jurisdictions');
  const parties = uniqueIds(e.parties, '$.parties');
  const districts = uniqueIds(e.districts, '$.districts');
  const units = uniqueIds(
    [...e.precincts, ...e.precincts.flatMap((p) => p.splits)],
    '$.precincts (precinct and split ids)',
  );
  uniqueIds(e.ballotStyles, '$.ballotStyles');
  uniqueIds(e.contests, '$.contests');

  e.precincts.forEach((p, i) => {
    refer(p.jurisdiction, jurisdictions, `$.precincts[${i}].jurisdiction`, 'jurisdiction');
    p.districts.forEach((d, j) => refer(d, districts, `$.precincts[${i}].districts[${j}]`, 'district'));
    p.splits.forEach((s, k) =>
      s.districts.forEach((d, j) =>
        refer(d, districts, `$.precincts[${i}].splits[${k}].districts[${j}]`, 'district'),
      ),
    );
  });
  e.ballotStyles.forEach((s, i) => {
    s.precincts.forEach((p, j) =>
      refer(p, units, `$.ballotStyles[${i}].precincts[${j}]`, 'precinct or split'),
    );
    s.districts.forEach((d, j) => refer(d, districts, `$.ballotStyles[${i}].districts[${j}]`, 'district'));
  });
  e.contests.forEach((c, i) => {
    refer(c.district, districts, `$.contests[${i}].district`, 'district');
    uniqueIds(choicesOf(c), `$.contests[${i}].${c.type === 'yesno' ? 'choices' : 'candidates'}`);
    if (c.type !== 'yesno')
      c.candidates.forEach((cand, j) =>
        refer(cand.party, parties, `$.contests[${i}].candidates[${j}].party`, 'party'),
      );
    if (c.type === 'candidate' && c.seats > c.votesAllowed)
      issues.push({
        path: `$.contests[${i}].seats`,
        message: `${c.seats} seats but only ${c.votesAllowed} votes allowed`,
      });
  });
  return issues;
}
