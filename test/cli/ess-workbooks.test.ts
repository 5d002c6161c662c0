/**
 * A county's ES&S export is several workbooks, each numbering its records from 1: the second workbook's ids
 * repeat the first's. The refusal says so and what to do; `import --qualify-ids` makes the ids
 * `<file name>:<record id>`, as RCTab does, so every workbook imports.
 */
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, okJson, tp } from '../support/cli.js';
import { tempDir } from '../support/stores.js';

function workbooks() {
  const dir = tempDir();
  const key = path.join(dir, 'k');
  ok(['keygen', '--name', 'county.example/2026', '--out', key]);
  const files = ['north', 'south'].map((side) => {
    const g = okJson([
      'generate',
      '--format',
      'ess',
      '--ballots',
      '300',
      '--out',
      path.join(dir, side),
      '--seed',
      side,
    ]) as {
      cvrFiles: string[];
      definition: string;
    };
    const file = path.join(dir, `${side}.xlsx`);
    copyFileSync(g.cvrFiles[0]!, file);
    return { file, definition: g.definition };
  });
  return { dir, key, files };
}

describe('several ES&S workbooks', () => {
  it('refuses the second workbook’s repeated ids saying why, and imports both with --qualify-ids', () => {
    const { dir, key, files } = workbooks();
    const [north, south] = files;
    const db = path.join(dir, 'plain.db');
    ok(['election', 'load', '--db', db, north!.definition]);
    const first = okJson(['import', '--db', db, '--key', key, '--format', 'ess', north!.file]) as {
      imports: { cvrs: number }[];
    };
    const refused = tp(['import', '--db', db, '--key', key, '--format', 'ess', south!.file]);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /south\.xlsx: CVR id (1-1-\d+) is already in the store \(log entry \d+\); nothing was stored: ES&S numbers records per workbook, so the ids of several workbooks repeat; import them with --qualify-ids \(CVR ids <file name>:<record id>, as RCTab makes them\)/,
    );
    const repeated = /CVR id (\S+) is already/.exec(refused.stderr)![1]!;
    expect(okJson(['status', '--db', db])).toMatchObject({ cvrs: first.imports[0]!.cvrs, imports: 1 });

    const qualified = path.join(dir, 'qualified.db');
    ok(['election', 'load', '--db', qualified, north!.definition]);
    const both = okJson([
      'import',
      '--db',
      qualified,
      '--key',
      key,
      '--format',
      'ess',
      '--qualify-ids',
      north!.file,
      south!.file,
    ]) as {
      imports: { cvrs: number }[];
    };
    expect(both.imports).toHaveLength(2);
    const total = both.imports[0]!.cvrs + both.imports[1]!.cvrs;
    expect(okJson(['status', '--db', qualified])).toMatchObject({ cvrs: total, imports: 2 });
    ok(['verify', '--db', qualified, '--vkey', `${key}.pub`]);
    const receipt = path.join(dir, 'r.json');
    ok(['receipt', '--db', qualified, '--cvr', `south.xlsx:${repeated}`, '--out', receipt]);
    const shown = okJson(['receipt', 'verify', receipt, '--vkey', `${key}.pub`]) as { cvr: { id: string } };
    expect(shown.cvr.id).toBe(`south.xlsx:${repeated}`);
  });
});
