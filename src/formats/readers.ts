/** Every CVR export format Tallyproof reads, by the name `import --format` takes. */
import { cdfFormat } from './cdf/cdf-format.js';
import type { CvrFormatReader } from './cvr-format.js';
import { dominionFormat } from './dominion/dominion-format.js';
import { essFormat } from './ess/ess-format.js';

const READERS: Record<string, CvrFormatReader<unknown>> = {
  cdf: cdfFormat,
  dominion: dominionFormat,
  ess: essFormat,
};

export const IMPORT_FORMATS = ['cdf', 'dominion', 'ess'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const readerFor = (format: ImportFormat): CvrFormatReader<unknown> => READERS[format]!;
