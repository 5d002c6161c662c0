/**
 * Reading an export of many small files (Hart writes one XML file per ballot): each file in one synchronous
 * open, fstat, read and close. Measured on 20,000 ballot files of ~1 KB (2 cores, Node 20): 0.2 s, against
 * 2.1 s for `fs/promises` `stat` + `readFile` one file after the other and 1.6 s with 16 files in flight —
 * every asynchronous call is a round trip through libuv's thread pool, four or five per file, and the
 * reading thread idles between them (issue 13: a Hart folder imported 10–40× slower per ballot than CDF).
 * A call blocks the event loop for one file of at most `maxBytes`; larger files are left unread.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** The file's bytes, or only its size when it holds more than `maxBytes` (then it is not read). */
export function readSmallFile(file: string, maxBytes: number): { bytes: Buffer } | { size: number } {
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) return { size };
    const bytes = Buffer.allocUnsafe(size);
    const filled = readFullySync(fd, bytes, 0, size, 0);
    return { bytes: filled === size ? bytes : bytes.subarray(0, filled) };
  } finally {
    closeSync(fd);
  }
}

/** Reads `length` bytes at `position` into `buffer` at `offset`, in as many calls as it takes; the bytes read. */
export function readFullySync(
  fd: number,
  buffer: Buffer,
  offset: number,
  length: number,
  position: number,
): number {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
