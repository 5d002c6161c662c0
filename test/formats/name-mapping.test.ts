/** Contest and choice standardisation: an export whose names differ from the loaded definition. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { verifyStore } from '../../src/app/verify-store.js';
import type { Cvr } from '../../src/core/cvr/model.js';
import type { NameMapping } from '../../src/core/cvr/resolve.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { tempDir } from '../support/stores.js';

const definition = {
  format: 'tallyproof-election/1',
  id: 'portland-2026',
  title: 'Portland General',
  date: '2026-11-03',
  jurisdictions: [{ id: 'portland', name: 'City of Portland' }],
  precincts: [
    { id: 'p1', name: 'P-1', jurisdiction: 'portland' },
    { id: 'p2', name: 'P-2', jurisdiction: 'portland' },
  ],
  ballotStyles: [{ id: 'BS-1' }],
  contests: [
    {
      type: 'ranked',
      id: 'mayor',
      title: 'Mayor of Portland',
      maxRankings: 3,
      candidates: [
        { id: 'duson', name: 'Jill Duson' },
        { id: 'bryant', name: 'Peter Bryant' },
      ],
    },
  ],
};
const csv = [
  'Cast Vote Record,Precinct,Ballot Style,Mayor Choice 1,Mayor Choice 2,Mayor Choice 3',
  '1,P-1,BS-1,"Duson, Jill C.","Bryant, Peter G.",undervote',
  '2,P-2,BS-1,"Bryant, Peter G.",undervote,undervote',
].join('\n');

async function importWith(mapping?: NameMapping) {
  const dir = tempDir();
  const defFile = path.join(dir, 'election.json');
  const cvrFile = path.join(dir, 'mayor.csv');
  writeFileSync(defFile, JSON.stringify(definition));
  writeFileSync(cvrFile, `${csv}\n`);
  const keys = testKeys();
  const store = await Store.open({ sqlitePath: path.join(dir, 's.db') });
  try {
    await loadElectionFile(store, defFile, Buffer.from(JSON.stringify(definition)), {
      now,
      signer: keys.signer,
    });
    const before = await store.logSize();
    const result = await importFiles(store, [cvrFile], {
      format: 'ess',
      signer: keys.signer,
      now,
      ...(mapping ? { mapping } : {}),
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    const cvrs: Cvr[] = [];
    const report = await verifyStore(store, keys.verifier, { onCvr: (c) => cvrs.push(c) });
    return { error: result, cvrs, report, stored: (await store.logSize()) - before };
  } finally {
    await store.close();
  }
}

describe('import --mapping', () => {
  it('refuses names the definition does not have, suggesting the closest, and stores nothing', async () => {
    const { error, stored, report } = await importWith();
    expect(error?.message).toMatch(/unknown contest "Mayor"/);
    expect(stored).toBe(0);
    expect(report.ok).toBe(true);
  });

  it('standardises the export’s contest and choice names to the definition’s ids', async () => {
    const { error, cvrs, report } = await importWith({
      contests: { Mayor: 'Mayor of Portland' },
      choices: { mayor: { 'Duson, Jill C.': 'Jill Duson', 'Bryant, Peter G.': 'bryant' } },
    });
    expect(error).toBeUndefined();
    expect(report.ok).toBe(true);
    expect(cvrs.map((c) => [c.id, c.precinct, c.contests])).toEqual([
      [
        '1',
        'p1',
        [
          {
            contest: 'mayor',
            marks: [
              { choice: 'duson', rank: 1 },
              { choice: 'bryant', rank: 2 },
            ],
          },
        ],
      ],
      ['2', 'p2', [{ contest: 'mayor', marks: [{ choice: 'bryant', rank: 1 }] }]],
    ]);
  });

  it('refuses a mapping whose targets are not in the definition, with the closest names', async () => {
    const { error, stored } = await importWith({
      contests: { Mayor: 'Mayor of Portlnd' },
      choices: { mayor: { 'Duson, Jill C.': 'Jill Dusen' } },
    });
    expect(error?.message).toMatch(
      /mapping: contest "Mayor of Portlnd" is not in the definition \(did you mean "Mayor of Portland"\?\)/,
    );
    expect(error?.message).toMatch(/has no choice "Jill Dusen" \(did you mean "Jill Duson"\?\)/);
    expect(stored).toBe(0);
  });
});
