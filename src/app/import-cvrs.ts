/**
 * CVR import: each file is parsed as a stream, every CVR validated against the definition, and the file
 * appended to the log in one transaction with its import event and a signed checkpoint — all or nothing.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { toHex } from '../core/bytes.js';
import { indexNames, type NameMapping } from '../core/cvr/resolve.js';
import { indexDefinition } from '../core/cvr/validate.js';
import type { LoadedElection } from '../core/election/load.js';
import { encodeEvent } from '../core/entries.js';
import { keyLabel, type Signer, verifierKeyText, vkeyLabel } from '../core/log/note.js';
import { countsBytes, GROUP_BY, PluralityTally } from '../core/tabulate/plurality.js';
import type { DerivedDefinition, ReaderOptions, ReadReport } from '../formats/cvr-format.js';
import { mergeDerivedDefinitions } from '../formats/derived-definition.js';
import { InputError } from '../formats/errors.js';
import { type ImportFormat, readerFor, readerNameFor } from '../formats/readers.js';
import { readSmallFile } from '../formats/small-file.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import type { ImportTable } from '../store/database.js';
import { DuplicateCvrError, WrongKeyError } from '../store/ledger-writer.js';
import type { Store } from '../store/store.js';
import { parseDefinition, recordElection } from './load-election.js';
import { type PreparedCvr, PreparePool, prepareCvrs } from './prepare-cvrs.js';

export { IMPORT_FORMATS, type ImportFormat } from '../formats/readers.js';

export interface ImportOptions {
  readonly format: ImportFormat;
  readonly signer: Signer;
  readonly jurisdiction?: string;
  /** Column layout and labels, for formats that need them (ES&S). */
  readonly readerOptions?: ReaderOptions;
  /**
   * CVR ids `<file name>:<record id>`, as RCTab qualifies them: ES&S numbers records per workbook, so the ids
   * of a county's several workbooks repeat.
   */
  readonly qualifyIds?: boolean;
  /** Refuse an export holding a ballot with no marks in any contest, naming the first (an export of empty rows). */
  readonly refuseEmpty?: boolean;
  /** Contest, choice, precinct and ballot style names of the export standardised to the definition's. */
  readonly mapping?: NameMapping;
  readonly now: () => string;
  /** Messages for the person running the import (derived definitions and the like). */
  readonly inform?: (message: string) => void;
  readonly onFileStart?: (file: string, bytes: number) => void;
  readonly onBytes?: (n: number) => void;
}

export interface ImportSummary {
  readonly file: string;
  readonly sha256: string;
  readonly cvrs: number;
  /** CVRs with no marks in any contest: blank ballots, or the empty rows of a workbook. */
  readonly withoutMarks: number;
  readonly firstEntry: number;
  readonly logSize: number;
  readonly derivedDefinition: boolean;
}

/**
 * Files up to this size are hashed from one read. A stream per file would allocate its 1 MiB read buffer
 * even for a Hart ballot of 1 KB and take a thread-pool round trip per call: hashing a 20,000-file Hart
 * folder took 8 s, most of it garbage collection of those buffers and waiting (issue 13).
 */
const ONE_READ_BYTES = 1 << 20;

/** A file's SHA-256 and size: small files from one read, others streamed. */
async function fileIdentity(file: string): Promise<{ sha256: string; size: number }> {
  const read = readSmallFile(file, ONE_READ_BYTES);
  if ('bytes' in read)
    return { sha256: createHash('sha256').update(read.bytes).digest('hex'), size: read.bytes.length };
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: ONE_READ_BYTES })) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function fileSha256(file: string): Promise<string> {
  return (await fileIdentity(file)).sha256;
}

function chooseJurisdiction(election: LoadedElection, wanted: string | undefined): string {
  const ids = election.election.jurisdictions.map((j) => j.id);
  if (wanted !== undefined) {
    if (!ids.includes(wanted))
      throw new Error(`unknown jurisdiction ${JSON.stringify(wanted)}; the election has ${ids.join(', ')}`);
    return wanted;
  }
  if (ids.length !== 1)
    throw new Error(
      `the election has ${ids.length} jurisdictions: pass --jurisdiction (one of ${ids.join(', ')})`,
    );
  return ids[0]!;
}

/**
 * Where the last few thousand appended CVRs came from, by log position: a duplicate id surfaces when its
 * rows are written (at most a thousand appends later), and is reported at its file and record. The
 * database's unique index finds duplicates, so memory does not grow with the ballots in an import.
 */
class RecentRecords {
  private static readonly SIZE = 4096;
  private readonly ring: ({ seq: number; file: string; index: number } | undefined)[] = [];
  add(seq: number, file: string, index: number): void {
    this.ring[seq % RecentRecords.SIZE] = { seq, file, index };
  }
  at(seq: number): { file: string; index: number } | undefined {
    const r = this.ring[seq % RecentRecords.SIZE];
    return r?.seq === seq ? r : undefined;
  }
}

export async function importFiles(
  store: Store,
  files: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary[]> {
  const bound = await store.logKey();
  if (bound && bound.vkey !== verifierKeyText(options.signer))
    throw new WrongKeyError(
      `the key given is not this log's signing key (the log is signed by ${vkeyLabel(bound.vkey)})`,
    );
  if (options.qualifyIds) refuseRepeatedFileNames(files);
  const out: ImportSummary[] = [];
  // With no definition loaded, one is derived from every export of the command, not the first alone: the
  // second file's contests, choices and precincts would otherwise be refused as unknown.
  const derived = (await store.election()) ? undefined : await deriveFromAll(files, options);
  const pool = PreparePool.open();
  try {
    for (const file of files) out.push(await importFile(store, file, options, pool, derived));
  } finally {
    await pool?.close();
  }
  return out;
}

/** Ids qualified by the file's name must tell the files apart: two of one name (in two folders) cannot be. */
function refuseRepeatedFileNames(files: readonly string[]): void {
  const byName = new Map<string, string>();
  for (const file of files) {
    const name = path.basename(file);
    const first = byName.get(name);
    if (first !== undefined)
      throw new InputError(
        file,
        undefined,
        `has the same file name as ${first}: --qualify-ids makes CVR ids <file name>:<record id>, so the two files' ids would be the same; give them different names`,
      );
    byName.set(name, file);
  }
}

interface DerivedFromExports {
  readonly definition: DerivedDefinition;
  readonly from: readonly string[];
}

async function deriveFromAll(
  files: readonly string[],
  options: ImportOptions,
): Promise<DerivedFromExports | undefined> {
  const parts: { file: string; definition: DerivedDefinition }[] = [];
  for (const file of files) {
    const reader = readerFor(readerNameFor(options.format, file));
    const context = await reader.context(file, options.readerOptions ?? {});
    parts.push({ file, definition: await reader.derive(file, context) });
  }
  if (parts.length === 0) return undefined;
  return { definition: mergeDerivedDefinitions(parts), from: files.map((f) => path.basename(f)) };
}

/**
 * An export's identity: the SHA-256 of its one file, or of `sha256  name` lines over all its files; and its
 * size in bytes, for the progress bar.
 */
async function exportIdentity(files: readonly string[]): Promise<{ sha256: string; size: number }> {
  if (files.length === 1) return fileIdentity(files[0]!);
  const lines: string[] = [];
  let size = 0;
  for (const f of files) {
    const file = await fileIdentity(f);
    lines.push(`${file.sha256}  ${path.basename(f)}\n`);
    size += file.size;
  }
  return { sha256: createHash('sha256').update(lines.join('')).digest('hex'), size };
}

async function importFile(
  store: Store,
  exportPath: string,
  options: ImportOptions,
  pool: PreparePool | undefined,
  derivedFromExports: DerivedFromExports | undefined,
): Promise<ImportSummary> {
  const readerName = readerNameFor(options.format, exportPath);
  const reader = readerFor(readerName);
  const files = await reader.files(exportPath);
  // One extra read of the export (~1 s per GB) buys refusing a re-import before any parsing or writing.
  const { sha256, size } = await exportIdentity(files);
  const alreadyImported = (previous: ImportTable | null) => {
    if (previous)
      throw new InputError(
        exportPath,
        undefined,
        `already imported (import #${previous.id} of ${previous.file_name} at ${previous.imported_at}); nothing was stored`,
      );
  };
  alreadyImported(await store.importBySha(sha256));
  const readerContext = await reader.context(exportPath, options.readerOptions ?? {});

  const stored = await store.election();
  let election: LoadedElection;
  let derived = false;
  let derivedFrom = '';
  if (stored) election = parseDefinition('stored definition', stored.bytes);
  else {
    // importFiles derives the definition from every export of the command before the first import.
    const d = derivedFromExports;
    if (!d) throw new Error('no election definition is loaded (tallyproof election load)');
    const from = d.from.join(', ');
    election = parseDefinition(`definition derived from ${from}`, d.definition.bytes);
    derived = true;
    derivedFrom = from;
    options.inform?.(
      `No election definition was loaded: derived one from ${from} (sha256 ${election.sha256}).`,
    );
    for (const note of d.definition.notes) options.inform?.(`  ${note}`);
  }
  const jurisdiction = chooseJurisdiction(election, options.jurisdiction);
  const names = indexNames(election.election, options.mapping);
  if (!names.ok) throw new InputError(exportPath, undefined, names.error.join('; '));
  const index = indexDefinition(election.election);
  const vendorNames = reader.vendorNames?.(readerContext);
  const by = keyLabel(options.signer);
  const now = options.now();
  const name = path.basename(exportPath);
  const recent = new RecentRecords();
  options.onFileStart?.(exportPath, size);

  try {
    return await store.append(async (w) => {
      // The preconditions again, under the writer's lock: another command may have written since.
      alreadyImported(await w.importBySha(sha256));
      if ((await w.lastEntryKind()) === 'audit')
        throw new InputError(
          exportPath,
          undefined,
          'an audit has started in this store and fixes the ballots it samples from: no CVRs can be added; nothing was stored. To count these ballots, import every export (this one too) into a new store and start the audit there',
        );
      if (derived && (await w.hasElection()))
        throw new InputError(
          exportPath,
          undefined,
          'another command loaded an election definition while this one read the export; nothing was stored: run the import again',
        );
      if (derived) await recordElection(w, election, `derived from ${derivedFrom}`, now, options.signer);
      const importId = await w.nextImportId();
      const firstEntry = w.size;
      const report: ReadReport = {};
      const electionIds = new Map<string, PreparedCvr>();
      const raw = reader.records(exportPath, readerContext, report, options.onBytes);
      const counts = new PluralityTally(election.election, GROUP_BY);
      const prepared = prepareCvrs(
        raw,
        {
          reader: readerName,
          election: election.election,
          readerContext,
          jurisdiction,
          index,
          names: names.value,
          ...(vendorNames ? { vendorNames } : {}),
          ...(options.qualifyIds ? { qualifyIds: true } : {}),
          ...(options.refuseEmpty ? { refuseEmpty: true } : {}),
          definition: election.bytes,
        },
        pool,
      );
      let withoutMarks = 0;
      for await (const batch of prepared) {
        counts.addCounts(batch.counts);
        withoutMarks += batch.withoutMarks;
        for (const cvr of batch.cvrs) {
          recent.add(w.size, cvr.file, cvr.index);
          if (cvr.electionId !== undefined && !electionIds.has(cvr.electionId))
            electionIds.set(cvr.electionId, cvr);
          await w.append(
            cvr.body,
            { kind: 'cvr', jurisdiction, cvr_id: cvr.id, import_id: importId },
            cvr.leafHash,
          );
        }
      }
      if (report.electionIds && report.electionIds.length > 0)
        for (const [id, cvr] of electionIds)
          if (!report.electionIds.includes(id))
            throw new InputError(
              cvr.file,
              reader.recordLabel(cvr.index),
              `the CVR is for election ${JSON.stringify(id)}, the export describes ${report.electionIds.map((e) => JSON.stringify(e)).join(', ')}`,
            );
      const cvrs = w.size - firstEntry;
      await w.insertImport({
        id: importId,
        jurisdiction,
        file_name: name,
        file_sha256: sha256,
        format: options.format,
        cvr_count: cvrs,
        first_seq: firstEntry,
        imported_at: now,
      });
      const countsBody = countsBytes(counts.counts());
      const countsSha256 = toHex(nodeSha256(countsBody));
      await w.insertImportCounts(importId, countsSha256, countsBody);
      const event = encodeEvent({
        type: 'cvrs.imported',
        at: now,
        by,
        data: {
          file: name,
          sha256,
          format: options.format,
          jurisdiction,
          cvrs,
          first: firstEntry,
          counts: countsSha256,
        },
      });
      await w.append(event, { kind: 'event', jurisdiction: null, cvr_id: null, import_id: importId });
      await w.checkpoint(options.signer, now);
      return {
        file: exportPath,
        sha256,
        cvrs,
        withoutMarks,
        firstEntry,
        logSize: w.size,
        derivedDefinition: derived,
      };
    });
  } catch (e) {
    if (e instanceof DuplicateCvrError) {
      const [earlier] = await store.findCvr(e.cvrId, e.jurisdiction);
      // ES&S numbers the records of each workbook from 1: a county's second workbook repeats the first's ids.
      const perWorkbook = options.qualifyIds
        ? ': with --qualify-ids, a file of the same name imported before gives the same ids; was this file imported already?'
        : readerName === 'ess'
          ? ': ES&S numbers records per workbook, so the ids of several workbooks repeat; import them with --qualify-ids (CVR ids <file name>:<record id>, as RCTab makes them)'
          : '';
      if (earlier)
        throw new InputError(
          exportPath,
          undefined,
          `CVR id ${e.cvrId} is already in the store (log entry ${earlier.seq}); nothing was stored${perWorkbook}`,
        );
      const at = recent.at(e.seq);
      throw new InputError(
        at?.file ?? exportPath,
        at ? reader.recordLabel(at.index) : undefined,
        `CVR id ${e.cvrId} appears twice in this import${reader.duplicateIdReason ? `: ${reader.duplicateIdReason}` : ''}`,
      );
    }
    throw e;
  }
}
