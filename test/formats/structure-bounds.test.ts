/** CDF reports with a pathological structure are refused with a reason, never an internal message or a crash. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_ITEM_BYTES } from '../../src/formats/json/object-splitter.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';

const xmlReport = (body: string) =>
  `<?xml version="1.0"?><CastVoteRecordReport xmlns="http://itl.nist.gov/ns/voting/1500-103/v1">${body}</CastVoteRecordReport>`;

function file(name: string, text: string | Buffer): string {
  const f = path.join(tempDir(), name);
  writeFileSync(f, text);
  return f;
}

describe('CDF structure bounds', () => {
  it('XML nested thousands deep is refused, naming the depth', async () => {
    const f = file('deep.xml', xmlReport(`${'<Party>'.repeat(5000)}x${'</Party>'.repeat(5000)}`));
    await expect(importAndRead('cdf', f)).rejects.toThrow(
      /deep\.xml: line \d+: not well-formed CDF XML: elements nested deeper than 64/,
    );
  });

  it('a repeated top-level element that is not a list is read, not "not iterable"', async () => {
    const f = file('twice.xml', xmlReport('<Version>1.0.0</Version><Version><Party>x</Party></Version>'));
    const error = await importAndRead('cdf', f).catch((e: Error) => e);
    expect(String(error)).not.toMatch(/is not iterable|Cannot read properties/);
    expect(String(error)).toMatch(/twice\.xml/);
  });

  it('XML text longer than any CDF value is refused', async () => {
    const f = file('long.xml', xmlReport(`<Version>${'9'.repeat(1024 * 1024 + 1)}</Version>`));
    await expect(importAndRead('cdf', f)).rejects.toThrow(
      /long\.xml: line \d+: .*<Version> holds more than 1048576 characters/,
    );
  });

  it('a JSON CVR larger than any CVR is refused, naming it', async () => {
    const huge = Buffer.alloc(MAX_ITEM_BYTES + 2 * 1024 * 1024, 'a');
    const f = file(
      'huge.json',
      Buffer.concat([Buffer.from('{"CVR":[{"UniqueId":"'), huge, Buffer.from('"}]}')]),
    );
    await expect(importAndRead('cdf', f)).rejects.toThrow(/huge\.json: .*CVR\[0\] is larger than 64 MiB/);
  });
});
