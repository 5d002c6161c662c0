/** splitJsonObject over a file, counting bytes for progress and reporting bad structure as InputError for that file. */
import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';
import { JsonStructureError, type SplitItem, splitJsonObject } from './object-splitter.js';

export async function* splitJsonFile(
  file: string,
  arrayKey: string,
  onBytes?: (n: number) => void,
): AsyncGenerator<SplitItem[]> {
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  const counted = async function* () {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length);
      yield chunk;
    }
  };
  try {
    yield* splitJsonObject(counted(), arrayKey);
  } catch (e) {
    if (e instanceof JsonStructureError) throw new InputError(file, undefined, e.message);
    if (e instanceof TypeError && /encoded data was not valid/.test(e.message))
      throw new InputError(file, undefined, 'the file is not valid UTF-8');
    throw e;
  } finally {
    stream.destroy();
  }
}
