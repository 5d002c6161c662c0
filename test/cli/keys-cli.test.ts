/** Key material never reaches an error, and a signer key others can read is refused. */
import { chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ok, tp } from '../support/cli.js';
import { smallElection } from '../support/fixtures.js';
import { tempDir } from '../support/stores.js';

describe('signer keys on the command line', () => {
  it('refuses key text given for a key file, without printing it', async () => {
    const election = await smallElection(50, 1, 'keys');
    const dir = tempDir();
    const key = path.join(dir, 'county.key');
    ok(['keygen', '--name', 'county.example/2026', '--out', key]);
    const text = readFileSync(key, 'utf8').trim();
    const material = text.split('+').slice(4).join('+');
    for (const args of [
      ['election', 'load', '--db', path.join(dir, 's.db'), '--key', text, election.definition],
      ['note', 'sign', '--key', text],
      ['verify', '--db', path.join(dir, 's.db'), '--vkey', text],
    ]) {
      const r = tp(args, 'x\n');
      expect(r.status, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(/a private key was given as text where the path of its key file belongs/);
      expect(r.stderr + r.stdout).not.toContain(material);
    }
  });

  it('refuses a signer key file its group or others can read, and signs with it once it is private', () => {
    const dir = tempDir();
    const key = path.join(dir, 'county.key');
    ok(['keygen', '--name', 'county.example/2026', '--out', key]);
    chmodSync(key, 0o644);
    const r = tp(['note', 'sign', '--key', key], 'hello\n');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/can be read by its group or others \(mode 644\): refused; .*chmod 600/);
    expect(r.stderr).not.toContain(readFileSync(key, 'utf8').split('+')[4]!.trim());
    chmodSync(key, 0o600);
    expect(ok(['note', 'sign', '--key', key], 'hello\n')).toMatch(/^hello\n\n\u2014 county\.example\/2026 /);
  });
});
