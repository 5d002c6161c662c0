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
