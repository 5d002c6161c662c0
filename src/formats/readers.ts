/** Every CVR export format Tallyproof reads, by the name `import --format` takes. */
import { cdfFormat } from './cdf/cdf-format.js';
import { clearBallotFormat } from './clearballot/clearballot-format.js';
import type { CvrFormatReader } from './cvr-format.js';
import { dominionCsvFormat } from './dominion/dominion-csv-format.js';
import { dominionFormat } from './dominion/dominion-format.js';
import { essFormat } from './ess/ess-format.js';
import { genericCsvFormat } from './generic/generic-csv-format.js';
import { hartFormat } from './hart/hart-format.js';
import { ranksFormat } from './ranks/ranks-format.js';

const READERS = {
  cdf: cdfFormat,
  dominion: dominionFormat,
  ess: essFormat,
  clearballot: clearBallotFormat,
  hart: hartFormat,
  csv: genericCsvFormat,
  ranks: ranksFormat,
} as const;

export type ImportFormat = keyof typeof READERS;
export const IMPORT_FORMATS = Object.keys(READERS) as ImportFormat[];

/** A format's reader for one export: Dominion writes a JSON folder or, as its CVR export report, one CSV file. */
const LAYOUTS = { ...READERS, 'dominion-csv': dominionCsvFormat } as const;
export type ReaderName = keyof typeof LAYOUTS;

export const readerNameFor = (format: ImportFormat, exportPath: string): ReaderName =>
  format === 'dominion' && /\.csv$/i.test(exportPath) ? 'dominion-csv' : format;

export const readerFor = (name: ReaderName): CvrFormatReader<unknown> =>
  LAYOUTS[name] as CvrFormatReader<unknown>;
