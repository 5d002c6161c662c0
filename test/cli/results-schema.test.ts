/** What `results --format nist-err` writes — the command's real file, today's date and all — is valid SP 1500-100. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { expect, it } from 'vitest';
import { ok } from '../support/cli.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

describeWithShared('results --format nist-err', 'standards/nist-1500-100-err-v2.schema.json', (schema) => {
  it('writes a file the published schema accepts, summary and by precinct', () => {
    const ajv = new Ajv.default({ strict: false });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFileSync(schema, 'utf8')));
    const dir = tempDir();
    const gen = path.join(dir, 'gen');
    ok(['generate', '--ballots', '80', '--out', gen, '--seed', 'err-schema']);
    const key = path.join(dir, 'k');
    ok(['keygen', '--name', 'county.example/err', '--out', key]);
    const db = path.join(dir, 's.db');
    ok(['election', 'load', '--db', db, '--key', key, path.join(gen, 'election.json')]);
    ok(['import', '--db', db, '--key', key, '--format', 'cdf', path.join(gen, 'cvr-report.json')]);
    for (const by of [[], ['--by', 'precinct']]) {
      const out = path.join(dir, `results-${by.length}.json`);
      ok(['results', '--db', db, '--format', 'nist-err', '--out', out, ...by]);
      const report = JSON.parse(readFileSync(out, 'utf8'));
      expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(report.GeneratedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      // The ranked contest's rounds are part of what the schema checks.
      const mayor = report.Election[0].Contest.find((c: { '@id': string }) => c['@id'] === 'mayor');
      expect(mayor.ContestSelection[0].VoteCounts[0]).toMatchObject({ Round: 1, Type: 'total' });
    }
  });
});
