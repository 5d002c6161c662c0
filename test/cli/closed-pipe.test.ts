/** Output piped into a reader that stops early (`rla draw … | head -1`) ends the command quietly. */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { repoRoot } from '../support/shared.js';
import { tempDir } from '../support/stores.js';

it('exits without a stack trace when its reader closes the pipe', async () => {
  const ids = path.join(tempDir(), 'ids.txt');
  writeFileSync(ids, Array.from({ length: 200_000 }, (_, i) => `B-${i}`).join('\n'));
  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin/tallyproof.js'),
      'rla',
      'draw',
      '--seed',
      '1',
      '--ids-file',
      ids,
      '--count',
      '200000',
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  // Read the first chunk, then close our end, as `head -1` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(stderr).toBe('');
  expect(code).toBe(0);
});
