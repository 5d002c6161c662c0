/**
 * Issue 13: a Hart export (one XML file per ballot) imported 10–40× slower per ballot than CDF, because the
 * import made several asynchronous file calls per ballot file in each of its passes (hash, context,
 * records), each a round trip through libuv's thread pool, and streamed every file through a 1 MiB buffer to
 * hash it; from a .zip, yauzl's reads and zlib's inflate streams did the same per entry. Not timed: the
 * file system requests the reading thread makes (as async_hooks sees them) are counted, and must not grow
 * with the ballots.
 */
import { createHook } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateElection } from '../../src/app/generate.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';
import { writeStoredZip } from '../support/zip.js';

// zlib's synchronous calls open a ZLIB handle too, on this thread: only file requests are counted.
const THREAD_POOL = new Set(['FSREQCALLBACK', 'FSREQPROMISE']);

async function importCountingRequests(ballots: number, zip: boolean) {
  const g = await generateElection(tempDir(), { ballots, seed: 'hart-calls', format: 'hart' });
  let exportPath = g.cvrFiles[0]!;
  if (zip) {
    const archive = path.join(tempDir(), 'hart.zip');
    const names = readdirSync(exportPath).sort();
    const folder = exportPath;
    writeStoredZip(
      archive,
      names.map((name) => ({ name, bytes: readFileSync(path.join(folder, name)) })),
      { deflate: true },
    );
    exportPath = archive;
  }
  let requests = 0;
  const hook = createHook({
    init: (_id, type) => {
      if (THREAD_POOL.has(type)) requests++;
    },
  }).enable();
  let read: Awaited<ReturnType<typeof importAndRead>>;
  try {
    read = await importAndRead('hart', exportPath, undefined, g.definition);
  } finally {
    hook.disable();
  }
  expect(read.report.failures).toEqual([]);
  expect(read.cvrs).toHaveLength(ballots);
  return requests;
}

describe('Hart import: no file system request per ballot file', () => {
  for (const zip of [false, true])
    it(`${zip ? 'a .zip archive' : 'a folder'}: as many requests for 160 ballots as for 40`, {
      timeout: 60_000,
    }, async () => {
      const few = await importCountingRequests(40, zip);
      const many = await importCountingRequests(160, zip);
      expect(many).toBe(few);
    });

  it('refuses an archive entry that inflates to more bytes than its header declares', async () => {
    const archive = path.join(tempDir(), 'lying.zip');
    const bytes = Buffer.from('<?xml version="1.0"?><Cvr><CvrGuid>g-1</CvrGuid></Cvr>');
    writeStoredZip(archive, [{ name: 'b-1.xml', bytes, declaredSize: 10 }], { deflate: true });
    await expect(importAndRead('hart', archive)).rejects.toThrow(
      /lying\.zip: not a readable zip archive: b-1\.xml: too many bytes in the stream\. expected 10/,
    );
  });
});
