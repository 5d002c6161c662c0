/**
 * The audit as the store holds it: its logged records replayed, the sample drawn again from the seed, and
 * each sampled ballot located (CVR, tabulator, batch, position, container) for retrieval.
 */

import { batchUnits } from '../../core/audit/batches.js';
import { cvrBallotId, manifestLocator, qualifiesIds, samplesCvrs } from '../../core/audit/population.js';
import type { AuditRecord } from '../../core/audit/records.js';
import { type AuditLog, drawsBefore, newBallots, readAuditLog } from '../../core/audit/replay.js';
import { type AuditEvidence, drawLoggedSample } from '../../core/audit/verify-audit.js';
import { compareNatural, compareText } from '../../core/compare.js';
import type { Cvr } from '../../core/cvr/model.js';
import { decodeEntry } from '../../core/entries.js';
import type { Draw } from '../../core/rla/sampler.js';
import { nodeSha256 } from '../../platform/node-sha256.js';
import type { ImportTable } from '../../store/database.js';
import type { Store } from '../../store/store.js';
import { drawFromManifest } from '../sample-manifest.js';

export interface StoredAudit {
  readonly log: AuditLog;
  readonly records: AuditRecord[];
  /** Every CVR's key in log order (the population of a CVR sample; empty when the audit samples batches or a manifest). */
  readonly cvrKeys: { seq: number; jurisdiction: string; id: string }[];
}

export interface ReadOptions {
  /** Called as the CVRs' keys are read (a million take seconds): CVRs read, CVRs in the log. */
  readonly onProgress?: (done: number, total: number) => void;
}

export async function loadAudit(store: Store, options: ReadOptions = {}): Promise<StoredAudit | undefined> {
  const records = (await store.auditRecords()).map((r) => r.record);
  const read = readAuditLog(records);
  if (!read.ok) throw new Error(`the logged audit is out of order: ${read.error}`);
  if (!read.value) return undefined;
  const { start, manifest } = read.value;
  // A million keys take seconds to read: only an audit that samples the CVRs needs them.
  const cvrKeys = samplesCvrs(start.type, manifest) ? await readCvrKeys(store, options) : [];
  return { log: read.value, records, cvrKeys };
}

/** Every CVR's key in log order: the population of a sample of the CVRs. */
export async function readCvrKeys(
  store: Store,
  { onProgress }: ReadOptions = {},
): Promise<StoredAudit['cvrKeys']> {
  const total = onProgress ? (await store.imports()).reduce((n, i) => n + Number(i.cvr_count), 0) : 0;
  const keys: StoredAudit['cvrKeys'] = [];
  for await (const page of store.cvrKeys()) {
    keys.push(...page);
    onProgress?.(keys.length, total);
  }
  return keys;
}

export const requireAudit = async (store: Store, options: ReadOptions = {}): Promise<StoredAudit> => {
  const audit = await loadAudit(store, options);
  if (!audit) throw new Error('no audit has been started in this store (tallyproof audit start)');
  return audit;
};

/** The first `count` draws of the audit's sample (the same draws `verify` recomputes with core's sampler). */
export const drawAudit = (log: AuditLog, cvrKeys: AuditEvidence['cvrKeys'], count: number): Promise<Draw[]> =>
  // A polled manifest can be millions of ballots: searched on two threads (the same draws).
  drawLoggedSample(log, cvrKeys, count, { hash: nodeSha256, drawManifest: drawFromManifest });

export interface SampledBallot {
  readonly ballotId: string;
  readonly cvrId: string | null;
  readonly tabulator: string | null;
  readonly batch: string | null;
  readonly position: number | null;
  readonly container: string | null;
  readonly imprintedId: string | null;
  readonly precinct: string | null;
  readonly ballotStyle: string | null;
  /** Where the record came from: the import's file and the record's place in it (`south.xlsx, record 57`). */
  readonly source: string | null;
  /** Times drawn so far (ballot polling samples with replacement). */
  readonly timesDrawn: number;
  /** The CVR's entry in the log (comparison audits). */
  readonly cvrEntry?: number;
  readonly cvr?: Cvr;
}

/**
 * The file each logged CVR was imported from and its place there (the n-th record, in the export's own
 * order): with several workbooks whose record ids repeat, the file is what tells a person where to look.
 */
function recordSources(imports: readonly Pick<ImportTable, 'file_name' | 'first_seq' | 'cvr_count'>[]) {
  const sorted = [...imports].sort((a, b) => Number(a.first_seq) - Number(b.first_seq));
  return (seq: number): string | null => {
    let lo = 0;
    let hi = sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const first = Number(sorted[mid]!.first_seq);
      if (seq < first) hi = mid - 1;
      else if (seq >= first + Number(sorted[mid]!.cvr_count)) lo = mid + 1;
      else return `${sorted[mid]!.file_name}, record ${seq - first + 1}`;
    }
    return null;
  };
}

/** Locates sampled ballots: by their CVR (tabulator, batch, position as the vendor wrote them), or the manifest. */
export async function locateBallots(
  store: Store,
  audit: StoredAudit,
  ids: readonly string[],
  draws: readonly Draw[],
): Promise<SampledBallot[]> {
  const { log } = audit;
  const times = new Map<string, number>();
  for (const d of draws) times.set(d.id, (times.get(d.id) ?? 0) + 1);
  const containerOf = new Map(log.manifest.map((b) => [`${b.tabulator ?? ''}\u0000${b.batch}`, b.container]));
  const container = (tabulator?: string, batch?: string) =>
    containerOf.get(`${tabulator ?? ''}\u0000${batch}`) ?? containerOf.get(`\u0000${batch}`) ?? null;
  if (log.start.type === 'batch') {
    const units = new Map(batchUnits(log.start.contests, log.manifest).units.map((u) => [u.id, u.record]));
    return ids.map((ballotId) => {
      const b = units.get(ballotId);
      return {
        ballotId,
        cvrId: null,
        tabulator: b?.tabulator ?? null,
        batch: b?.batch ?? null,
        position: null,
        container: b?.container ?? null,
        imprintedId: null,
        precinct: null,
        ballotStyle: null,
        source: null,
        timesDrawn: times.get(ballotId) ?? 0,
      };
    });
  }
  if (log.start.type === 'polling' && log.manifest.length > 0) {
    const locate = manifestLocator(log.manifest);
    return ids.map((ballotId) => {
      const at = locate(ballotId);
      return {
        ballotId,
        cvrId: null,
        tabulator: at?.batch.tabulator ?? null,
        batch: at?.batch.batch ?? null,
        position: at?.position ?? null,
        container: at?.batch.container ?? null,
        imprintedId: null,
        precinct: null,
        ballotStyle: null,
        source: null,
        timesDrawn: times.get(ballotId) ?? 0,
      };
    });
  }
  const qualify = qualifiesIds(audit.cvrKeys);
  const byId = new Map(audit.cvrKeys.map((k) => [cvrBallotId(k, qualify), k.seq]));
  const bodies = await store.entryBodies(ids.flatMap((id) => byId.get(id) ?? []));
  const sourceOf = recordSources(await store.imports());
  const out: SampledBallot[] = [];
  for (const ballotId of ids) {
    const seq = byId.get(ballotId);
    const body = seq === undefined ? undefined : bodies.get(seq);
    const decoded = body ? decodeEntry(body) : undefined;
    if (!decoded?.ok || decoded.value.kind !== 'cvr')
      throw new Error(`the CVR of sampled ballot ${ballotId} is missing`);
    const cvr = decoded.value.cvr;
    out.push({
      ballotId,
      cvrId: cvr.id,
      tabulator: cvr.tabulator ?? null,
      batch: cvr.batch ?? null,
      position: cvr.position ?? null,
      container: container(cvr.tabulator, cvr.batch),
      imprintedId: cvr.imprintedId ?? null,
      precinct: cvr.precinct ?? null,
      ballotStyle: cvr.ballotStyle ?? null,
      source: sourceOf(seq!),
      timesDrawn: times.get(ballotId) ?? 0,
      cvrEntry: seq,
      cvr,
    });
  }
  return out;
}

/**
 * Retrieval order: container, tabulator, batch (each as a person sorts them: 1-3 before 1-13), position;
 * where an export names none of those (ES&S), precinct, then the export file and record.
 */
export function retrievalOrder(a: SampledBallot, b: SampledBallot): number {
  return (
    compareNatural(a.container ?? '', b.container ?? '') ||
    compareNatural(a.tabulator ?? '', b.tabulator ?? '') ||
    compareNatural(a.batch ?? '', b.batch ?? '') ||
    (a.position ?? 0) - (b.position ?? 0) ||
    compareNatural(a.precinct ?? '', b.precinct ?? '') ||
    compareNatural(a.source ?? '', b.source ?? '') ||
    compareNatural(a.ballotId, b.ballotId) ||
    compareText(a.ballotId, b.ballotId)
  );
}

/** The current round's number and the sample drawn through it. */
export async function currentDraws(audit: StoredAudit): Promise<{ round: number; draws: Draw[] }> {
  const { log } = audit;
  return {
    round: log.rounds.length,
    draws: await drawAudit(log, audit.cvrKeys, log.rounds.at(-1)?.draws ?? 0),
  };
}

/** The current round: its number, the sample through it, and the ballots it asks the auditors to find. */
export async function currentRound(store: Store, audit: StoredAudit) {
  const { log } = audit;
  const { round, draws } = await currentDraws(audit);
  const total = draws.length;
  const ids = round === 0 ? [] : newBallots(draws, drawsBefore(log, round), total);
  const ballots = (await locateBallots(store, audit, ids, draws)).sort(retrievalOrder);
  return { round, draws, ballots };
}
