/** Import one export into a fresh SQLite store and read back what the log holds: CVRs, definition, verification, tally. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importFiles } from '../../src/app/import-cvrs.js';
import { loadElectionFile } from '../../src/app/load-election.js';
import { verifyStore } from '../../src/app/verify-store.js';
import type { Cvr } from '../../src/core/cvr/model.js';
import type { Election } from '../../src/core/election/schema.js';
import { PluralityTally } from '../../src/core/tabulate/plurality.js';
import type { ReaderOptions } from '../../src/formats/cvr-format.js';
import type { ImportFormat } from '../../src/formats/readers.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from './fixtures.js';
import { tempDir } from './stores.js';

export async function importAndRead(
  format: ImportFormat,
  exportPath: string,
  readerOptions?: ReaderOptions,
  /** A definition to load first; without one the import derives it from the export. */
  definition?: string,
) {
  const keys = testKeys();
  const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
  try {
    if (definition) await loadElectionFile(store, definition, readFileSync(definition), { now });
    const [summary] = await importFiles(store, [exportPath], {
      format,
      signer: keys.signer,
      now,
      readerOptions,
    });
    const election = JSON.parse(Buffer.from((await store.election())!.bytes).toString('utf8')) as Election;
    const cvrs: Cvr[] = [];
    const tally = new PluralityTally(election);
    const report = await verifyStore(store, keys.verifier, {
      onCvr: (cvr) => {
        cvrs.push(cvr);
        tally.add(cvr);
      },
    });
    return { summary: summary!, cvrs, election, report, tally: { contests: tally.contests() } };
  } finally {
    await store.close();
  }
}
