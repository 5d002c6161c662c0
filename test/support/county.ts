/** A generated county election imported through the CLI into a fresh SQLite store, as an office would. */
import path from 'node:path';
import { ok } from './cli.js';
import { tempDir } from './stores.js';

export function county(ballots: number, seed: string, paperErrors?: number) {
  const dir = tempDir('tallyproof-audit-');
  const gen = path.join(dir, 'gen');
  ok([
    'generate',
    '--ballots',
    String(ballots),
    '--format',
    'cdf',
    '--out',
    gen,
    '--seed',
    seed,
    ...(paperErrors ? ['--paper-errors', String(paperErrors)] : []),
  ]);
  const db = path.join(dir, 's.db');
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'county.example/audit', '--out', key]);
  ok(['election', 'load', '--db', db, path.join(gen, 'election.json')]);
  ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report.json')]);
  return { dir, gen, db, key };
}

/** `audit start` on a store, as an office types it. */
export const auditStartArgs = (
  c: { db: string; key: string },
  o: { type: string; seed: string; riskLimit: string; contests: readonly string[] },
) => [
  'audit',
  'start',
  '--db',
  c.db,
  '--key',
  c.key,
  '--type',
  o.type,
  '--risk-limit',
  o.riskLimit,
  '--seed',
  o.seed,
  ...o.contests.flatMap((n) => ['--contest', n]),
];
