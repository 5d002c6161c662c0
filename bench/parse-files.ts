import { readFile } from 'node:fs/promises';

/** The reference an import is measured against: each whole file read and given to JSON.parse, nothing else. */
export async function parseFiles(files: readonly string[]): Promise<number> {
  let n = 0;
  for (const f of files) {
    const doc = JSON.parse(await readFile(f, 'utf8')) as { CVR?: unknown[]; Sessions?: unknown[] };
    n += (doc.CVR ?? doc.Sessions ?? []).length;
  }
  return n;
}
