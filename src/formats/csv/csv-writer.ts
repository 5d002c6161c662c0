/** Writes CSV records to a file as they come (csv-stringify quoting), waiting when the stream is full. */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { stringify } from 'csv-stringify/sync';

export function csvFileWriter(file: string) {
  const out = createWriteStream(file);
  return {
    async write(cells: readonly (string | number)[]): Promise<void> {
      if (!out.write(stringify([cells]))) await once(out, 'drain');
    },
    async close(): Promise<void> {
      out.end();
      await once(out, 'finish');
    },
  };
}
