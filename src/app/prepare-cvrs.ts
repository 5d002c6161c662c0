/**
 * Turning a vendor's CVR text into a log entry: parse, normalise, validate against the definition, encode
 * canonically, hash. CPU-bound, so imports run it on a worker thread beside the thread that reads the file
 * and writes the store (measured: about twice the import rate on two cores); in-process when no worker can start.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Cvr } from '../core/cvr/model.js';
import { type NameIndex, resolveNames, type VendorNames } from '../core/cvr/resolve.js';
import { cvrProblem, type DefinitionIndex } from '../core/cvr/validate.js';
import type { Election } from '../core/election/schema.js';
import { encodeCvr } from '../core/entries.js';
import { HASH_SIZE } from '../core/log/merkle.js';
import { GROUP_BY, PluralityTally, type TallyCounts } from '../core/tabulate/plurality.js';
import type { RawRecord } from '../formats/cvr-format.js';
import { InputError } from '../formats/errors.js';
import { type ReaderName, readerFor } from '../formats/readers.js';
import { nodeMerkleHasher } from '../platform/node-sha256.js';
import { compiledWorker } from './worker-script.js';

export interface PreparedCvr {
  readonly index: number;
  readonly file: string;
  readonly id: string;
  /** The election the vendor record says it belongs to, when it says. */
  readonly electionId?: string;
  readonly body: Uint8Array;
  readonly leafHash: Uint8Array;
}

export interface PrepareContext {
  readonly reader: ReaderName;
  readonly election: Election;
  /** The reader's conversion context (manifests and the like). */
  readonly readerContext: unknown;
  readonly jurisdiction: string;
  readonly index: DefinitionIndex;
  readonly names: NameIndex;
  /** What the reader's own ids are called in the export, when it numbers things (Dominion JSON). */
  readonly vendorNames?: VendorNames;
  /** CVR ids `<file name>:<record id>` (import --qualify-ids), for exports that number records per file. */
  readonly qualifyIds?: boolean;
  /** Refuse a ballot with no marks in any contest (import --refuse-empty): an export of empty rows. */
  readonly refuseEmpty?: boolean;
}

/** A batch of prepared CVRs with their counts (every grouping), which the import adds up and logs. */
export interface PreparedBatch {
  readonly cvrs: PreparedCvr[];
  readonly counts: TallyCounts;
  /** How many of the batch's ballots have no marks in any contest. */
  readonly withoutMarks: number;
}

/** No mark and no recorded overvote in any contest: a blank ballot, or an empty row of a workbook. */
const hasNoMarks = (cvr: Cvr) =>
  cvr.contests.every((c) => c.marks.length === 0 && (c.overvotedRanks?.length ?? 0) === 0);

/** Prepares a batch; throws InputError naming the first bad record. Duplicate ids within the batch are the caller's. */
export function prepareBatch(ctx: PrepareContext, batch: readonly RawRecord[]): PreparedBatch {
  const reader = readerFor(ctx.reader);
  const tally = new PluralityTally(ctx.election, GROUP_BY);
  let withoutMarks = 0;
  const cvrs = batch.map((raw) => {
    const { index } = raw;
    const converted = reader.convert(ctx.readerContext, raw, ctx.jurisdiction);
    const vendorCvr = ctx.qualifyIds
      ? { ...converted.cvr, id: `${path.basename(raw.file)}:${converted.cvr.id}` }
      : converted.cvr;
    const cvr = resolveNames(vendorCvr, ctx.names, ctx.index, ctx.vendorNames);
    const electionId = converted.electionId;
    const problem = cvrProblem(cvr, ctx.index, ctx.vendorNames);
    // Built only for a refusal (this runs for every record); an id with control characters (a NUL) is
    // shown quoted, so the refusal shows what is there.
    const place = () =>
      `${reader.recordLabel(index)} (id ${/[\u0000-\u001f]/.test(cvr.id) ? JSON.stringify(cvr.id) : cvr.id})`;
    if (problem) throw new InputError(raw.file, place(), problem);
    if (hasNoMarks(cvr)) {
      if (ctx.refuseEmpty)
        throw new InputError(
          raw.file,
          place(),
          'the ballot has no marks in any contest (an empty row?): refused by --refuse-empty; nothing was stored',
        );
      withoutMarks++;
    }
    tally.add(cvr);
    const body = encodeCvr(cvr);
    return { index, file: raw.file, id: cvr.id, electionId, body, leafHash: nodeMerkleHasher.hashLeaf(body) };
  });
  return { cvrs, counts: tally.counts(), withoutMarks };
}

// ---- the wire format between threads: one buffer of bodies, one of hashes, so transfers stay cheap ----

export interface PackedBatch {
  readonly counts: TallyCounts;
  readonly withoutMarks: number;
  readonly indices: number[];
  readonly files: string[];
  readonly ids: string[];
  readonly electionIds: (string | undefined)[];
  readonly offsets: Uint32Array;
  readonly bodies: Uint8Array;
  readonly hashes: Uint8Array;
}

export function packBatch({ cvrs: items, counts, withoutMarks }: PreparedBatch): PackedBatch {
  const offsets = new Uint32Array(items.length + 1);
  for (let i = 0; i < items.length; i++) offsets[i + 1] = offsets[i]! + items[i]!.body.length;
  const bodies = new Uint8Array(offsets[items.length]!);
  const hashes = new Uint8Array(items.length * HASH_SIZE);
  items.forEach((it, i) => {
    bodies.set(it.body, offsets[i]!);
    hashes.set(it.leafHash, i * HASH_SIZE);
  });
  return {
    counts,
    withoutMarks,
    indices: items.map((i) => i.index),
    files: items.map((i) => i.file),
    ids: items.map((i) => i.id),
    electionIds: items.map((i) => i.electionId),
    offsets,
    bodies,
    hashes,
  };
}

export function unpackBatch(p: PackedBatch): PreparedBatch {
  const cvrs = p.ids.map((id, i) => ({
    index: p.indices[i]!,
    file: p.files[i]!,
    id,
    electionId: p.electionIds[i],
    body: p.bodies.subarray(p.offsets[i]!, p.offsets[i + 1]!),
    leafHash: p.hashes.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE),
  }));
  return { cvrs, counts: p.counts, withoutMarks: p.withoutMarks };
}

export interface WorkerInit {
  readonly reader: ReaderName;
  readonly readerContext: unknown;
  readonly jurisdiction: string;
  readonly definition: Uint8Array;
  /** Names to ids (the definition's and the office's mapping), built once on the reading thread. */
  readonly names: NameIndex;
  readonly vendorNames?: VendorNames;
  readonly qualifyIds?: boolean;
  readonly refuseEmpty?: boolean;
}

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly batch: PackedBatch }
  | {
      readonly id: number;
      readonly ok: false;
      readonly input?: { file: string; record?: string; reason: string };
      readonly message: string;
    };

const BATCH = 1000;
const IN_FLIGHT = 6;
/** Two workers beside the reading/writing thread measured fastest on this project's 2-core machines. */
const WORKERS = Math.max(1, Math.min(2, availableParallelism()));

/**
 * The worker threads of one import command, kept across its exports: starting a worker (loading the readers
 * and the definition) costs about half a second, which a command importing a hundred report files would
 * otherwise pay a hundred times. Each export's context goes to the workers before its batches.
 */
export class PreparePool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: WorkerReply) => void; reject: (e: Error) => void }
  >();
  private failure: Error | undefined;
  private nextId = 0;

  private constructor(script: string) {
    this.workers = Array.from({ length: WORKERS }, () => new Worker(script));
    for (const worker of this.workers) {
      worker.on('message', (r: WorkerReply) => {
        this.waiting.get(r.id)?.resolve(r);
        this.waiting.delete(r.id);
      });
      worker.on('error', (e) => {
        this.failure = e;
        for (const w of this.waiting.values()) w.reject(e);
        this.waiting.clear();
      });
    }
  }

  /** A pool, or undefined where no worker can start (sources not built, or TALLYPROOF_IMPORT_WORKERS=0). */
  static open(): PreparePool | undefined {
    const script =
      process.env.TALLYPROOF_IMPORT_WORKERS === '0' ? undefined : compiledWorker('prepare-worker');
    return script ? new PreparePool(script) : undefined;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  /** Prepared CVRs of one export in file order, in batches. */
  async *prepare(raw: AsyncIterable<RawRecord>, init: WorkerInit): AsyncGenerator<PreparedBatch> {
    for (const w of this.workers) w.postMessage({ init } satisfies WorkerMessage);
    const send = (batch: RawRecord[]): Promise<WorkerReply> => {
      if (this.failure) return Promise.reject(this.failure);
      const id = this.nextId++;
      const p = new Promise<WorkerReply>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
      p.catch(() => {}); // awaited in order below; never an unhandled rejection meanwhile
      this.workers[id % this.workers.length]!.postMessage({
        batch: { id, records: batch },
      } satisfies WorkerMessage);
      return p;
    };
    const unwrap = (r: WorkerReply): PreparedBatch => {
      if (r.ok) return unpackBatch(r.batch);
      if (r.input) throw new InputError(r.input.file, r.input.record, r.input.reason);
      throw new Error(r.message);
    };
    // Replies still on their way when an export is refused are dropped by id: ids never repeat in a pool.
    const inFlight: Promise<WorkerReply>[] = [];
    let batch: RawRecord[] = [];
    for await (const r of raw) {
      batch.push(r);
      if (batch.length < BATCH) continue;
      inFlight.push(send(batch));
      batch = [];
      if (inFlight.length >= IN_FLIGHT) yield unwrap(await inFlight.shift()!);
    }
    if (batch.length) inFlight.push(send(batch));
    while (inFlight.length) yield unwrap(await inFlight.shift()!);
  }
}

/** What a prepare worker is sent: an export's context, then its batches. */
export type WorkerMessage =
  | { readonly init: WorkerInit; readonly batch?: undefined }
  | { readonly batch: { readonly id: number; readonly records: RawRecord[] }; readonly init?: undefined };

/** Prepared CVRs in file order, in batches: on the pool's workers, or here when there is no pool. */
export async function* prepareCvrs(
  raw: AsyncIterable<RawRecord>,
  ctx: PrepareContext & { definition: Uint8Array },
  pool: PreparePool | undefined,
): AsyncGenerator<PreparedBatch> {
  if (pool) {
    yield* pool.prepare(raw, {
      reader: ctx.reader,
      readerContext: ctx.readerContext,
      jurisdiction: ctx.jurisdiction,
      definition: ctx.definition,
      names: ctx.names,
      ...(ctx.vendorNames ? { vendorNames: ctx.vendorNames } : {}),
      ...(ctx.qualifyIds ? { qualifyIds: true } : {}),
      ...(ctx.refuseEmpty ? { refuseEmpty: true } : {}),
    });
    return;
  }
  let batch: RawRecord[] = [];
  for await (const r of raw) {
    batch.push(r);
    if (batch.length >= BATCH) {
      yield prepareBatch(ctx, batch);
      batch = [];
    }
  }
  if (batch.length) yield prepareBatch(ctx, batch);
}
