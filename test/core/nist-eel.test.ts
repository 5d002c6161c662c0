import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { expect, it } from 'vitest';
import { toElectionEventLog } from '../../src/core/events/nist-eel.js';
import { describeWithShared } from '../support/shared.js';

describeWithShared('NIST SP 1500-101 event log export', 'standards/nist-1500-101-eel.schema.json', (file) => {
  it('is valid against the published schema and carries no selections', () => {
    const ajv = new Ajv.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(file, 'utf8')));
    const doc = toElectionEventLog(
      [
        {
          seq: 0,
          entrySha256: 'ab'.repeat(32),
          event: {
            type: 'election.loaded',
            at: '2026-11-03T20:00:00.000Z',
            by: 'k+01020304',
            data: { sha256: 'cd'.repeat(32) },
          },
        },
        {
          seq: 7,
          entrySha256: 'ef'.repeat(32),
          event: {
            type: 'cvrs.imported',
            at: '2026-11-03T21:00:00.000Z',
            data: { cvrs: 6, first: 1, file: 'a.json' },
          },
        },
      ],
      'election-1',
      'county.example/log',
    );
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.Device[0]!.Event.map((e) => e.Sequence)).toEqual(['0', '7']);
    expect(path.basename(file)).toBe('nist-1500-101-eel.schema.json');
  });
});
