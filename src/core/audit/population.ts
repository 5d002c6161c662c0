/**
 * What an audit samples from, and how a sampled ballot is named: a CVR by its id (qualified by its
 * jurisdiction when the log holds more than one), a manifest's ballot as Arlo names it — `('batch',
 * position)`, the batch qualified by its tabulator where a batch name repeats across tabulators.
 */
import type { Cvr } from '../cvr/model.js';
import { loggedStrRepr } from '../rla/sampler.js';
import type { AuditType, ManifestBatchRecord } from './records.js';

export const cvrBallotId = (cvr: Pick<Cvr, 'jurisdiction' | 'id'>, qualify: boolean): string =>
  qualify ? `${cvr.jurisdiction}/${cvr.id}` : cvr.id;

/** Whether CVR ids must be qualified by their jurisdiction: the log holds more than one. */
export const qualifiesIds = (keys: readonly Pick<Cvr, 'jurisdiction'>[]): boolean =>
  new Set(keys.map((k) => k.jurisdiction)).size > 1;

/** Where the batch of a CVR or a manifest row is: tabulator and batch name. */
export const batchKey = (tabulator: string | undefined, batch: string | undefined) =>
  `${tabulator ?? ''}\u0000${batch ?? ''}`;

export interface ManifestBallot {
  readonly batch: ManifestBatchRecord;
  readonly position: number;
}

/** The name each batch's ballots are sampled under. */
export function manifestBatchNames(manifest: readonly ManifestBatchRecord[]): string[] {
  const seen = new Map<string, number>();
  for (const b of manifest) seen.set(b.batch, (seen.get(b.batch) ?? 0) + 1);
  return manifest.map((b) =>
    (seen.get(b.batch) ?? 0) > 1 && b.tabulator ? `${b.tabulator}/${b.batch}` : b.batch,
  );
}

/**
 * The names of a batch's ballots in an audit, by 1-based position: `('batch', position)` in the spelling
 * audits have always logged (`loggedStrRepr`).
 */
export function auditBallotNamer(batch: string): (position: number) => string {
  const name = loggedStrRepr(batch);
  return (position) => `(${name}, ${position})`;
}

export function* manifestBallotIds(manifest: readonly ManifestBatchRecord[]): Generator<string> {
  const names = manifestBatchNames(manifest);
  for (const [i, b] of manifest.entries()) {
    const name = auditBallotNamer(names[i]!);
    for (let p = 1; p <= b.ballots; p++) yield name(p);
  }
}

/** Finds the batch and position of ballots named by `manifestBallotIds`. */
export function manifestLocator(
  manifest: readonly ManifestBatchRecord[],
): (id: string) => ManifestBallot | undefined {
  const names = manifestBatchNames(manifest);
  const byPrefix = new Map(manifest.map((b, i) => [`(${loggedStrRepr(names[i]!)}, `, b]));
  return (id) => {
    const cut = id.lastIndexOf(', ');
    const batch = byPrefix.get(id.slice(0, cut + 2));
    const position = Number(id.slice(cut + 2, -1));
    return batch && Number.isInteger(position) && position >= 1 && position <= batch.ballots
      ? { batch, position }
      : undefined;
  };
}

export const manifestTotal = (manifest: readonly ManifestBatchRecord[]) =>
  manifest.reduce((n, b) => n + b.ballots, 0);

/** Whether an audit samples the CVRs themselves (not a batch audit's batches or a polled manifest's ballots). */
export const samplesCvrs = (type: AuditType, manifest: readonly ManifestBatchRecord[]): boolean =>
  type === 'comparison' || (type === 'polling' && manifest.length === 0);

/** How many units an audit samples from: a batch audit's batches, a polled manifest's ballots, or the CVRs. */
export const auditPopulation = (
  type: AuditType,
  manifest: readonly ManifestBatchRecord[],
  cvrs: number,
): number =>
  samplesCvrs(type, manifest) ? cvrs : type === 'batch' ? manifest.length : manifestTotal(manifest);

/** Differences between a manifest's batch counts and the CVRs' (by tabulator and batch); empty when they reconcile. */
export function reconcileManifest(
  manifest: readonly ManifestBatchRecord[],
  cvrBatches: ReadonlyMap<string, number>,
): string[] {
  const out: string[] = [];
  const useTabulator = manifest.some((b) => b.tabulator !== undefined);
  const cvrCounts = new Map<string, number>();
  for (const [key, n] of cvrBatches) {
    const [tabulator, batch] = key.split('\u0000') as [string, string];
    const k = batchKey(useTabulator ? tabulator || undefined : undefined, batch || undefined);
    cvrCounts.set(k, (cvrCounts.get(k) ?? 0) + n);
  }
  const label = (b: Pick<ManifestBatchRecord, 'tabulator' | 'batch'>) =>
    `${b.tabulator ? `tabulator ${b.tabulator} ` : ''}batch ${b.batch}`;
  for (const b of manifest) {
    const k = batchKey(useTabulator ? b.tabulator : undefined, b.batch);
    const cvrs = cvrCounts.get(k) ?? 0;
    cvrCounts.delete(k);
    if (cvrs !== b.ballots) out.push(`${label(b)}: the manifest has ${b.ballots} ballots, the CVRs ${cvrs}`);
  }
  for (const [k, n] of cvrCounts) {
    const [tabulator, batch] = k.split('\u0000') as [string, string];
    out.push(
      `${label({ tabulator: tabulator || undefined, batch: batch || '(none)' })}: ${n} CVRs, not in the manifest`,
    );
  }
  return out;
}
