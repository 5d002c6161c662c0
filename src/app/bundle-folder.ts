import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** Reads bundle files from a local folder, refusing paths that would leave it. */
export function folderReader(dir: string) {
  const root = path.resolve(dir);
  return async (rel: string): Promise<Uint8Array | null> => {
    const full = path.resolve(root, rel);
    if (!full.startsWith(root + path.sep)) return null;
    try {
      return await readFile(full);
    } catch {
      return null;
    }
  };
}
