/**
 * Reads every entry of a zip archive (an .xlsx workbook, a Hart archive) once with yauzl, so that a damaged
 * archive is refused as bad input before a streaming parser meets it: exceljs was found (by fuzzing) to wait
 * forever on some truncated or spliced workbooks instead of failing.
 */
import yauzl from 'yauzl';
import { InputError } from './errors.js';

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
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, validateEntrySizes: true }, (e, z) =>
      e || !z ? reject(refusal(file, e?.message ?? 'cannot open')) : resolve(z),
    ),
  );
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
      const bytes = await new Promise<Buffer>((resolve, reject) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(refusal(file, `${entry.fileName}: ${e?.message ?? 'cannot read'}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', (se: Error) => reject(refusal(file, `${entry.fileName}: ${se.message}`)));
          stream.on('end', () => resolve(Buffer.concat(chunks)));
        }),
      );
      yield { name: entry.fileName, bytes };
    }
  } finally {
    zip.close();
  }
}
