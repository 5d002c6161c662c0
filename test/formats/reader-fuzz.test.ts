/** Fuzzing the readers with mutated real exports: a bad file is refused as bad input, never a crash, never half-stored. */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { generateElection } from '../../src/app/generate.js';
import { importFiles } from '../../src/app/import-cvrs.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { InputError } from '../../src/formats/errors.js';
import type { ImportFormat } from '../../src/formats/readers.js';
import { Store } from '../../src/store/store.js';
import { now, smallElection, testKeys } from '../support/fixtures.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

const mutation = fc.record({
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  how: fc.constantFrom('flip', 'delete-span', 'duplicate-span', 'truncate', 'insert-junk'),
  span: fc.integer({ min: 1, max: 40 }),
  byte: fc.integer({ min: 0, max: 255 }),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = Math.floor(m.at * (bytes.length - 1));
  switch (m.how) {
    case 'flip':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([m.byte]), bytes.subarray(at + 1)]);
    case 'delete-span':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.span)]);
    case 'duplicate-span':
      return Buffer.concat([bytes.subarray(0, at + m.span), bytes.subarray(at)]);
    case 'truncate':
      return bytes.subarray(0, at);
    default:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from('{"x":[1,'.repeat((m.span % 3) + 1)),
        bytes.subarray(at),
      ]);
  }
}

async function fuzz(
  format: ImportFormat,
  makeInput: () => { target: string; mutateFile: string },
  runs: number,
) {
  const keys = testKeys();
  await fc.assert(
    fc.asyncProperty(mutation, async (m) => {
      const { target, mutateFile } = makeInput();
      writeFileSync(mutateFile, mutate(readFileSync(mutateFile), m));
      const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
      try {
        await importFiles(store, [target], { format, signer: keys.signer, now });
        expect((await verifyStore(store, keys.verifier)).ok).toBe(true);
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(InputError);
        expect(await store.logSize()).toBe(0);
      } finally {
        await store.close();
      }
    }),
    { numRuns: runs },
  );
}

/** Fuzzes an export that is one file: each run mutates a fresh copy of `source` named `name`. */
const fuzzOneFile = (format: ImportFormat, source: string, name: string, runs: number) =>
  fuzz(
    format,
    () => {
      const file = path.join(tempDir(), name);
      cpSync(source, file);
      return { target: file, mutateFile: file };
    },
    runs,
  );

it('CDF reader: mutated reports are imported whole or refused as bad input', async () => {
  const election = await smallElection(60, 1, 'fuzz');
  await fuzzOneFile('cdf', election.cvrFiles[0]!, 'report.json', 60);
});

it('Dominion CSV reader: mutated exports are imported whole or refused as bad input', async () => {
  const g = await generateElection(tempDir(), { ballots: 60, seed: 'fuzz-csv', format: 'dominion-csv' });
  await fuzzOneFile('dominion', g.cvrFiles[0]!, 'cvr-export.csv', 40);
});

it('ranks reader: mutated files are imported whole or refused as bad input', async () => {
  const g = await generateElection(tempDir(), { ballots: 60, seed: 'fuzz-ranks', format: 'ranks' });
  await fuzzOneFile('ranks', g.cvrFiles[0]!, 'ranks.csv', 40);
});

describeWithShared(
  'Dominion reader fuzz',
  'conformance/rctab/dominion_multi_file/dominion_multi_file_input_data',
  (source) => {
    it('mutated exports and manifests are imported whole or refused as bad input', async () => {
      const files = [
        'CvrExport_3.json',
        'CvrExport_6.json',
        'ContestManifest.json',
        'CandidateManifest.json',
        'PrecinctPortionManifest.json',
      ];
      let n = 0;
      await fuzz(
        'dominion',
        () => {
          const d = tempDir();
          cpSync(source, d, { recursive: true });
          return { target: d, mutateFile: path.join(d, files[n++ % files.length]!) };
        },
        60,
      );
    });
  },
);

describeWithShared('ES&S reader fuzz', 'conformance/rctab/_shared/simple_ess_cvr.xlsx', (source) => {
  it('mutated workbooks are imported whole or refused as bad input', async () => {
    await fuzzOneFile('ess', source, 'ess.xlsx', 40);
  });
});

describeWithShared(
  'Clear Ballot reader fuzz',
  'conformance/rctab/clear_ballot_kansas_primary/clear_ballot_kansas_primary.cvr.csv',
  (source) => {
    it('mutated exports are imported whole or refused as bad input', async () => {
      await fuzzOneFile('clearballot', source, 'cb.csv', 40);
    });
  },
);
