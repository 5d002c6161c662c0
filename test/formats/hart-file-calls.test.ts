/**
 * Issue 13: a Hart folder (one XML file per ballot) imported 10–40× slower per ballot than CDF, because the
 * import made four or five asynchronous file calls per ballot file in each of its passes (hash, context,
 * records), each a round trip through the thread pool, and streamed every file through a 1 MiB buffer to
 * hash it. Not timed: the asynchronous file calls are counted, and must not grow with the ballots.
 */
import { describe, expect, it, vi } from 'vitest';
import { generateElection } from '../../src/app/generate.js';
import { importAndRead } from '../support/import.js';
import { tempDir } from '../support/stores.js';

const calls = vi.hoisted(() => ({ n: 0 }));

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  const counted =
    <A extends unknown[], R>(f: (...a: A) => R) =>
    (...a: A) => {
      calls.n++;
      return f(...a);
    };
  const wrapped = { ...fs, open: counted(fs.open), readFile: counted(fs.readFile), stat: counted(fs.stat) };
  return { ...wrapped, default: wrapped };
});
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const createReadStream: typeof fs.createReadStream = (...a) => {
    calls.n++;
    return fs.createReadStream(...a);
  };
  return { ...fs, createReadStream, default: { ...fs, createReadStream } };
});

async function importCountingCalls(ballots: number) {
  const g = await generateElection(tempDir(), { ballots, seed: 'hart-calls', format: 'hart' });
  calls.n = 0;
  const { cvrs, report } = await importAndRead('hart', g.cvrFiles[0]!, undefined, g.definition);
  const made = calls.n;
  expect(report.failures).toEqual([]);
  expect(cvrs).toHaveLength(ballots);
  return made;
}

describe('Hart folder import: no asynchronous file call per ballot file', () => {
  it('makes as many asynchronous file calls for 160 ballot files as for 40', {
    timeout: 60_000,
  }, async () => {
    const few = await importCountingCalls(40);
    const many = await importCountingCalls(160);
    expect(many).toBe(few);
  });
});
