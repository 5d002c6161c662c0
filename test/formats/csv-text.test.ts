/**
 * CSV exports are text: bytes that are not UTF-8, a NUL byte, or a workbook given as CSV are refused with the
 * file and line — never replaced silently or stored differently by the two databases.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateElection } from '../../src/app/generate.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';

const HEADER =
  'RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,ScanComputerName,Choice_1_1:Measure 1:Vote For 1:Yes:,Choice_2_1:Measure 1:Vote For 1:No:';

function clearBallot(rows: (string | Buffer)[]): string {
  const file = path.join(tempDir(), 'cb.csv');
  writeFileSync(
    file,
    Buffer.concat(rows.flatMap((r) => [Buffer.isBuffer(r) ? r : Buffer.from(r), Buffer.from('\n')])),
  );
  return file;
}

describe('CSV text', () => {
  it('refuses bytes that are not UTF-8, with the line', async () => {
    const file = clearBallot([
      HEADER,
      '1,B-1,1,B-1+1,P1,S1,SC1,1,0',
      Buffer.concat([Buffer.from('2,B-1,2,B-1+2,P1,S1,SC'), Buffer.from([0xff, 0xfe]), Buffer.from(',0,1')]),
    ]);
    await expect(importAndRead('clearballot', file)).rejects.toThrow(
      /cb\.csv: line 3: the file is not UTF-8 text/,
    );
  });

  it('refuses a NUL byte in a field, with the line', async () => {
    const file = clearBallot([HEADER, '1,B-1,1,B-1+1,P1,S1,SC1,1,0', '2,B-1,2,B-1\u0000+2,P1,S1,SC1,0,1']);
    await expect(importAndRead('clearballot', file)).rejects.toThrow(
      /cb\.csv: line 3: a field holds a NUL byte/,
    );
  });

  it('refuses a negative box position, with the line', async () => {
    const file = clearBallot([HEADER, '1,B-1,-4,B-1+1,P1,S1,SC1,1,0']);
    await expect(importAndRead('clearballot', file)).rejects.toThrow(
      /cb\.csv: line 2: BoxPosition "-4" is not a place in the box/,
    );
  });

  it('names a workbook given as CSV plainly, without its bytes', async () => {
    const dir = tempDir();
    const g = await generateElection(dir, { ballots: 20, seed: 'xlsx-as-csv', format: 'ess' });
    const error = await importAndRead('csv', g.cvrFiles[0]!, { firstVoteColumn: 4 }).catch((e: Error) => e);
    expect(String(error)).toMatch(/this is a zip archive \(an \.xlsx workbook\?\), not CSV text/);
    expect(String(error)).not.toMatch(/PK\u0003\u0004|[\u0000-\u0008]/);
    expect(readFileSync(g.cvrFiles[0]!).subarray(0, 2).toString()).toBe('PK');
  });
});
