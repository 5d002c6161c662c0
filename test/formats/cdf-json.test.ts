import { describe, expect, it } from 'vitest';
import { editedReport, smallElection } from '../support/fixtures.js';
import { importAndRead } from '../support/import.js';

describe('NIST CDF JSON reader', () => {
  it('reads ids a system writes as numbers as text (UniqueId, BatchId, CreatingDeviceId, styles)', async () => {
    const election = await smallElection(20, 1);
    const report = editedReport(election.cvrFiles[0]!, (r) => {
      r.CVR.forEach((cvr, i) => {
        cvr.UniqueId = 9000 + i;
        cvr.BatchId = 7;
        cvr.CreatingDeviceId = 3;
        delete cvr.BallotAuditId;
        cvr.BallotPrePrintedId = 100 + i;
      });
    });
    const { cvrs, report: verified } = await importAndRead('cdf', report, undefined, election.definition);
    expect(verified.failures).toEqual([]);
    expect(cvrs).toHaveLength(20);
    expect(cvrs[4]).toMatchObject({ id: '9004', batch: '7', tabulator: '3', imprintedId: '104' });
    expect(cvrs.every((c) => typeof c.id === 'string' && typeof c.batch === 'string')).toBe(true);
  });
});
