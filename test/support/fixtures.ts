import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateElection } from '../../src/app/generate.js';
import { type Election, ElectionSchema } from '../../src/core/election/schema.js';
import { generateKey, parseSignerKey, parseVerifierKey } from '../../src/core/log/note.js';
import { tempDir } from './stores.js';

export const now = () => '2026-11-05T12:00:00.000Z';

export function testKeys(name = 'county.example/2026') {
  const k = generateKey(name);
  return { ...k, signer: parseSignerKey(k.signerKey), verifier: parseVerifierKey(k.verifierKey) };
}

/** A definition of one jurisdiction (`j`) holding `contests`, for tests of what a definition names or counts. */
export const definitionWith = (contests: unknown[]): Election =>
  ElectionSchema.parse({
    format: 'tallyproof-election/1',
    id: 'e',
    title: 'E',
    date: '2026-11-03',
    jurisdictions: [{ id: 'j', name: 'J' }],
    contests,
  });

/** A small synthetic election split over `files` CDF reports, with its native definition. */
export async function smallElection(ballots = 600, files = 2, seed = 'test') {
  const dir = tempDir('tallyproof-election-');
  const gen = await generateElection(dir, { ballots, seed, format: 'cdf', files });
  return gen;
}

/** Writes a copy of a CDF report with fn applied to its parsed JSON. */
export function editedReport(
  source: string,
  fn: (report: { CVR: Record<string, unknown>[] } & Record<string, unknown>) => void,
  name = 'edited.json',
) {
  const report = JSON.parse(readFileSync(source, 'utf8'));
  fn(report);
  const out = path.join(path.dirname(source), name);
  writeFileSync(out, JSON.stringify(report));
  return out;
}
