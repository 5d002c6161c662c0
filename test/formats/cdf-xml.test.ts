/** NIST SP 1500-103 XML, read through the same schemas and conversion as the JSON form. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { importFiles } from '../../src/app/import-cvrs.js';
import { verifyStore } from '../../src/app/verify-store.js';
import { Store } from '../../src/store/store.js';
import { now, testKeys } from '../support/fixtures.js';
import { describeWithShared } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

describeWithShared('CDF XML (Unisyn exports)', 'conformance/rctab', (dir) => {
  const run = async (file: string) => {
    const keys = testKeys();
    const store = await Store.open({ sqlitePath: path.join(tempDir(), 's.db') });
    try {
      const [r] = await importFiles(store, [file], { format: 'cdf', signer: keys.signer, now });
      return {
        cvrs: r!.cvrs,
        failures: (await verifyStore(store, keys.verifier)).failures,
        size: await store.logSize(),
      };
    } catch (e) {
      return { error: e as Error, size: await store.logSize() };
    } finally {
      await store.close();
    }
  };

  it('the Unisyn city export holds the 35 ballots RCTab counted', async () => {
    const expected = JSON.parse(
      readFileSync(
        path.join(dir, 'unisyn_xml_cdf_city_mayor/unisyn_xml_cdf_city_mayor_expected_detailed_report.json'),
        'utf8',
      ),
    );
    const r = await run(path.join(dir, 'unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml'));
    expect(r.cvrs).toBe(Number(expected.summary.totalNumBallots));
    expect(r.failures).toEqual([]);
  });

  it('the Unisyn general-election export imports every CVR', async () => {
    const file = path.join(dir, 'unisyn_cvrs/797-GEN-OVCS_Sess_3_Combined_UVSOVS22516.xml');
    const r = await run(file);
    expect(r.cvrs).toBe((readFileSync(file, 'utf8').match(/<CVR>/g) ?? []).length);
  });

  it('a truncated XML report is refused, nothing stored', async () => {
    const text = readFileSync(path.join(dir, 'unisyn_cvrs/101-RCV-CVT_TEST_3_UNIOVS2103-2.xml'), 'utf8');
    const file = path.join(tempDir(), 'truncated.xml');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const r = await run(file);
    expect(r.error?.message).toMatch(/truncated\.xml: .*(truncated|not well-formed)/);
    expect(r.size).toBe(0);
  });
});
