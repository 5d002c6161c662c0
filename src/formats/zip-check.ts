/**
 * Reads every entry of a zip archive (an .xlsx workbook, a Hart archive) once with yauzl, so that a damaged
 * archive is refused as bad input before a streaming parser meets it: exceljs was found (by fuzzing) to wait
 * forever on some truncated or spliced workbooks instead of failing.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { Readable } from 'node:stream';
import { inflateRawSync } from 'node:zlib';
import yauzl from 'yauzl';
import { InputError } from './errors.js';
import { readFullySync } from './small-file.js';

export function checkZip(file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const refuse = (reason: string) =>
      reject(new InputError(file, undefined, `not a readable zip archive: ${reason}`));
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) return refuse(err?.message ?? 'cannot open');
      zip.on('error', (e: Error) => refuse(e.message));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return refuse(`${entry.fileName}: ${e?.message ?? 'cannot read'}`);
          stream.on('error', (se: Error) => refuse(`${entry.fileName}: ${se.message}`));
          stream.on('end', () => zip.readEntry());
          stream.resume();
        });
      });
      zip.readEntry();
    });
  });
}

const refusal = (file: string, reason: string) =>
  new InputError(file, undefined, `not a readable zip archive: ${reason}`);

/** What one entry may inflate to when it is held whole (a ballot file, a shared-strings table). */
export const MAX_HELD_ENTRY_BYTES = 256 * 1024 * 1024;

const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;

/**
 * The entries of a zip archive whose names `wanted` accepts, in archive order, one at a time, each held whole:
 * an entry that would inflate past `maxBytes` is refused before it is read (a 2 MB archive can hold a 2 GiB
 * entry), and yauzl refuses one whose bytes exceed the size its header declares.
 */
export async function* zipEntries(
  file: string,
  wanted: (name: string) => boolean,
  maxBytes = MAX_HELD_ENTRY_BYTES,
): AsyncGenerator<{ name: string; bytes: Buffer }> {
  const reader = new SyncFileReader(file);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromRandomAccessReader(
      reader,
      reader.size,
      { lazyEntries: true, validateEntrySizes: true, autoClose: false },
      (e, z) => (e || !z ? reject(refusal(file, e?.message ?? 'cannot open')) : resolve(z)),
    ),
  ).catch((e) => {
    reader.closeNow();
    throw e;
  });
  try {
    for (;;) {
      const entry = await new Promise<yauzl.Entry | undefined>((resolve, reject) => {
        const done = () => {
          zip.off('entry', onEntry);
          zip.off('end', onEnd);
          zip.off('error', onError);
        };
        const onEntry = (en: yauzl.Entry) => {
          done();
          resolve(en);
        };
        const onEnd = () => {
          done();
          resolve(undefined);
        };
        const onError = (e: Error) => {
          done();
          reject(refusal(file, e.message));
        };
        zip.on('entry', onEntry);
        zip.on('end', onEnd);
        zip.on('error', onError);
        zip.readEntry();
      });
      if (!entry) return;
      if (entry.fileName.endsWith('/') || !wanted(entry.fileName)) continue;
      if (entry.uncompressedSize > maxBytes)
        throw new InputError(
          `${file}:${entry.fileName}`,
          undefined,
          `inflates to ${mib(entry.uncompressedSize)}, more than the ${mib(maxBytes)} such an entry may hold; refused unread`,
        );
      yield { name: entry.fileName, bytes: await entryBytes(zip, file, entry, maxBytes) };
    }
  } finally {
    zip.close();
    reader.closeNow();
  }
}

/**
 * The archive read in synchronous calls, and each entry inflated in one synchronous call: a Hart archive holds
 * one small entry per ballot, and yauzl's file reader and zlib's stream took several thread-pool round trips
 * for each (a 20,000-ballot archive imported in 17-28 s, the reading thread mostly idle; issue 13). A read
 * is of one header or one entry's compressed bytes, which `zipEntries` bounds before reading them.
 */
class SyncFileReader extends yauzl.RandomAccessReader {
  private fd: number | undefined;
  readonly size: number;
  constructor(file: string) {
    super();
    this.fd = openSync(file, 'r');
    this.size = fstatSync(this.fd).size;
  }
  private readAt(buffer: Buffer, offset: number, length: number, position: number): number {
    if (this.fd === undefined) throw new Error('the archive is closed');
    return readFullySync(this.fd, buffer, offset, length, position);
  }
  override _readStreamForRange(start: number, end: number): Readable {
    const bytes = Buffer.allocUnsafe(end - start);
    const n = this.readAt(bytes, 0, end - start, start);
    return Readable.from([bytes.subarray(0, n)]);
  }
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    let n: number;
    try {
      n = this.readAt(buffer, offset, length, position);
    } catch (e) {
      process.nextTick(callback, e as Error);
      return;
    }
    process.nextTick(callback, null, n);
  }
  override close(callback: (err: Error | null) => void): void {
    this.closeNow();
    process.nextTick(callback, null);
  }
  closeNow(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** An entry's bytes, inflated whole and held to the size its header declares (at most `maxBytes`). */
async function entryBytes(zip: yauzl.ZipFile, file: string, entry: yauzl.Entry, maxBytes: number) {
  const refuse = (reason: string) => refusal(file, `${entry.fileName}: ${reason}`);
  // Deflate adds at most a few bytes per 16 KiB block: more compressed bytes than this are not the entry.
  if (entry.compressedSize > maxBytes + (maxBytes >> 10) + 1024)
    throw new InputError(
      `${file}:${entry.fileName}`,
      undefined,
      `${mib(entry.compressedSize)} compressed, more than an entry of at most ${mib(maxBytes)} takes; refused unread`,
    );
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8)
    throw refuse(`unsupported compression method: ${entry.compressionMethod}`);
  const raw = await new Promise<Buffer>((resolve, reject) =>
    // A stored entry is read as it is; a deflated one raw, to be inflated below.
    zip.openReadStream(entry, entry.compressionMethod === 8 ? { decompress: false } : {}, (e, stream) => {
      if (e || !stream) return reject(refuse(e?.message ?? 'cannot read'));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (se: Error) => reject(refuse(se.message)));
      stream.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    }),
  );
  let bytes: Buffer;
  if (entry.compressionMethod === 0) bytes = raw;
  else
    try {
      bytes = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw refuse(
        err.code === 'ERR_BUFFER_TOO_LARGE'
          ? `too many bytes in the stream. expected ${entry.uncompressedSize}`
          : err.message,
      );
    }
  if (bytes.length !== entry.uncompressedSize)
    throw refuse(
      bytes.length > entry.uncompressedSize
        ? `too many bytes in the stream. expected ${entry.uncompressedSize}. got at least ${bytes.length}`
        : `not enough bytes in the stream. expected ${entry.uncompressedSize}. got only ${bytes.length}`,
    );
  return bytes;
}
