/** Drawing from a large manifest on two threads gives exactly the sample one thread draws. */
import { describe, expect, it } from 'vitest';
import { drawFromManifest } from '../../src/app/sample-manifest.js';
import { arloBallotId, drawSample } from '../../src/core/rla/sampler.js';

describe('drawFromManifest', () => {
  it('splits a 300,000-ballot manifest over worker threads and draws the same sample as one thread', {
    timeout: 60_000,
  }, async () => {
    const batches = Array.from({ length: 300 }, (_, i) => ({
      batch: `Tabulator 1 - Batch ${i + 1}`,
      ballots: 1000,
    }));
    const ids = batches.flatMap((b) =>
      Array.from({ length: b.ballots }, (_, p) => arloBallotId(b.batch, p + 1)),
    );
    for (const withReplacement of [false, true]) {
      const parallel = await drawFromManifest('8675309', batches, { count: 60, withReplacement, digits: 18 });
      const single = drawSample('8675309', ids, {
        count: 60,
        withReplacement,
        digits: 18,
        checkUnique: false,
      });
      expect(parallel).toEqual(single);
    }
  });
});
