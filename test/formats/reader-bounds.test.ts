/** Readers bound what they hold: an oversized ballot file, archive entry or CSV row is refused, never held. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ROW_CHARS } from '../../src/formats/csv/csv-rows.js';
import { MAX_BALLOT_FILE_BYTES } from '../../src/formats/hart/hart-format.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';
import { writeStoredZip } from '../support/zip.js';

const hugeXml = (bytes: number) =>
  Buffer.concat([
    Buffer.from('<?xml version="1.0"?><Cvr><CvrGuid>'),
    Buffer.alloc(bytes, 'a'),
    Buffer.from('</CvrGuid></Cvr>'),
  ]);

describe('reader bounds', () => {
  it('Hart: a ballot entry in a .zip that inflates past the limit is refused unread', async () => {
    const zip = path.join(tempDir(), 'hart.zip');
    writeStoredZip(zip, [{ name: 'ballot-1.xml', bytes: hugeXml(MAX_BALLOT_FILE_BYTES + 1) }]);
    await expect(importAndRead('hart', zip)).rejects.toThrow(
      /hart\.zip:ballot-1\.xml: inflates to 16 MiB, more than the 16 MiB such an entry may hold; refused unread/,
    );
  });

  it('Hart: a ballot file in a folder past the limit is refused', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'ballot-1.xml'), hugeXml(MAX_BALLOT_FILE_BYTES + 1));
    await expect(importAndRead('hart', dir)).rejects.toThrow(
      /ballot-1\.xml: \d+ bytes, more than the \d+ a Hart ballot file may hold/,
    );
  });

  it('Clear Ballot: a cell longer than any row may be is refused with its line', async () => {
    const file = path.join(tempDir(), 'cb.csv');
    writeFileSync(
      file,
      `RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,ScanComputerName,Choice_1_1:Measure 1:Vote For 1:Yes:\n1,B-1,1,${'x'.repeat(MAX_ROW_CHARS + 10)},P1,S1,SC1,1\n`,
    );
    await expect(importAndRead('clearballot', file)).rejects.toThrow(
      /cb\.csv: line 2: a row longer than 16 Mi characters/,
    );
  });
});
