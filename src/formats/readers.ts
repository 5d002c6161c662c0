/** Every CVR export format Tallyproof reads, by the name `import --format` takes. */
import { cdfFormat } from './cdf/cdf-format.js';
import { clearBallotFormat } from './clearballot/clearballot-format.js';
import type { CvrFormatReader } from './cvr-format.js';
import { dominionFormat } from './dominion/dominion-format.js';
import { essFormat } from './ess/ess-format.js';
import { genericCsvFormat } from './generic/generic-csv-format.js';
import { hartFormat } from './hart/hart-format.js';

const READERS = {
  cdf: cdfFormat,
  dominion: dominionFormat,
  ess: essFormat,
  clearballot: clearBallotFormat,
  hart: hartFormat,
  csv: genericCsvFormat,
} as const;

export type ImportFormat = keyof typeof READERS;
export const IMPORT_FORMATS = Object.keys(READERS) as ImportFormat[];

export const readerFor = (format: ImportFormat): CvrFormatReader<unknown> =>
  READERS[format] as CvrFormatReader<unknown>;
