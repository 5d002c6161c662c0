import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { fromBase64, fromHex, toHex } from '../../src/core/bytes.js';
import { rootOfEntries, verifyConsistency, verifyInclusion } from '../../src/core/log/merkle.js';
import { describeWithShared } from '../support/shared.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith('.json') ? [p] : [];
  });
}
const b64 = (s: string | undefined) => fromBase64(s ?? '');
const b64s = (list: string[] | null | undefined) => (list ?? []).map((s) => fromBase64(s));

describeWithShared('transparency-dev inclusion probes', 'vectors/merkle/inclusion', (dir) => {
  const files = jsonFiles(dir);
  it('has probes', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    it(path.relative(dir, file), () => {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      const run = () => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), b64s(v.proof), b64(v.root));
      if (v.wantErr) expect(run).toThrow();
      else expect(run).not.toThrow();
    });
  }
});

describeWithShared('transparency-dev consistency probes', 'vectors/merkle/consistency', (dir) => {
  const files = jsonFiles(dir);
  it('has probes', () => expect(files.length).toBeGreaterThan(50));
  for (const file of files) {
    it(path.relative(dir, file), () => {
      const v = JSON.parse(readFileSync(file, 'utf8'));
      const run = () => verifyConsistency(v.size1, v.size2, b64s(v.proof), b64(v.root1), b64(v.root2));
      if (v.wantErr) expect(run).toThrow();
      else expect(run).not.toThrow();
    });
  }
});

it('the standard 8 entries have the RFC 6962 root', () => {
  const entries = [
    '',
    '00',
    '10',
    '2021',
    '3031',
    '40414243',
    '5051525354555657',
    '606162636465666768696a6b6c6d6e6f',
  ];
  expect(toHex(rootOfEntries(entries.map(fromHex)))).toBe(
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  );
  expect(toHex(rootOfEntries([]))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});
