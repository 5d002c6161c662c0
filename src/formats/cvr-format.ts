/**
 * What every vendor reader provides, so the import pipeline (hashing, workers, validation, logging) is one
 * piece of code for all formats. A reader splits its export into raw records on the reading thread and
 * converts each record to the one Cvr model on any thread, with only plain data (its context) to go on.
 */
import { stat } from 'node:fs/promises';
import type { Cvr } from '../core/cvr/model.js';
import type { VendorNames } from '../core/cvr/resolve.js';
import { InputError } from './errors.js';

export interface RawRecord {
  /** Index of the record within its file, for messages (`CVR[12]`, `Sessions[12]`). */
  readonly index: number;
  /** The file the record came from. */
  readonly file: string;
  readonly text: string;
}

export interface ConvertedCvr {
  readonly cvr: Cvr;
  /** The election the vendor record says it belongs to, when it says. */
  readonly electionId?: string;
}

export interface DerivedDefinition {
  readonly bytes: Uint8Array;
  readonly notes: string[];
}

/** Filled in by a reader as it reads; checked by the importer once every record is in. */
export interface ReadReport {
  /** Elections the export describes; every record naming an election must name one of these. */
  electionIds?: string[];
}

/** Layout options for formats that need them (ES&S columns and labels), as `import` flags give them. */
export interface ReaderOptions {
  readonly contest?: string;
  readonly firstVoteColumn?: number;
  readonly firstVoteRow?: number;
  readonly idColumn?: number;
  readonly precinctColumn?: number;
  readonly batchColumn?: number;
  readonly overvoteLabel?: string;
  readonly undervoteLabel?: string;
  readonly overvoteDelimiter?: string;
  /** How many rank columns follow the first vote column (default: to the end of the header). */
  readonly rankColumns?: number;
  /** Read an empty rank cell as a mark for this write-in label (RCTab's treatBlankAsUndeclaredWriteIn). */
  readonly blankAsWriteIn?: string;
}

export interface CvrFormatReader<Ctx> {
  readonly name: string;
  /** How record `index` is named in messages: `CVR[12]`, `Sessions[12]`, `line 12`. */
  recordLabel(index: number): string;
  /** The files that make up the export at `path`, hashed together as the import's identity. */
  files(path: string): Promise<string[]>;
  /** What conversion needs besides the record (manifests, column layout): plain, structured-cloneable data. */
  context(path: string, options: ReaderOptions): Promise<Ctx>;
  records(
    path: string,
    ctx: Ctx,
    report: ReadReport,
    onBytes?: (n: number) => void,
  ): AsyncGenerator<RawRecord>;
  convert(ctx: Ctx, raw: RawRecord, jurisdiction: string): ConvertedCvr;
  /**
   * For readers whose ids are the vendor's numbers: what the export calls each of them, so a loaded definition
   * with ids of its own resolves them by name (and by the office's mapping of names).
   */
  vendorNames?(ctx: Ctx): VendorNames;
  /** Why a CVR id can repeat within one export of this format, when the layout itself explains it. */
  readonly duplicateIdReason?: string;
  /** A definition derived from the export itself, for offices that load none. */
  derive(path: string, ctx: Ctx): Promise<DerivedDefinition>;
}

/** `files` for formats whose export is one file: it must exist and be a file. */
export async function oneFile(path: string, what: string): Promise<string[]> {
  const s = await stat(path).catch(() => undefined);
  if (!s) throw new InputError(path, undefined, 'no such file');
  if (!s.isFile()) throw new InputError(path, undefined, `${what}, not a folder`);
  return [path];
}

/** Record labels for formats whose records are JSON array elements (`CVR[12]`) or text lines (`line 12`). */
export const elementLabel = (array: string) => (index: number) => `${array}[${index}]`;
export const numberedLabel = (what: string) => (index: number) => `${what} ${index}`;
