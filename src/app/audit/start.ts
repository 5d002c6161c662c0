/**
 * audit start: the settings, the reported outcome (the tally of a store that verifies), the manifest and
 * the seed are logged once — with the first round's sample, so the seed is fixed before anyone sees a
 * ballot drawn with it. A second start is refused.
 */
import { auditPopulation, batchKey, reconcileManifest, samplesCvrs } from '../../core/audit/population.js';
import type {
  AuditManifestPart,
  AuditStart,
  AuditType,
  ManifestBatchRecord,
  ReportedContest,
} from '../../core/audit/records.js';
import { firstRoundDraws, sampleDigest } from '../../core/audit/replay.js';
import type { ReportedTally } from '../../core/audit/reported.js';
import { toHex, utf8 } from '../../core/bytes.js';
import { canonicalJson } from '../../core/canonical-json.js';
import { contestNamed } from '../../core/election/contest-named.js';
import type { Election } from '../../core/election/schema.js';
import { MAX_ENTRY_BYTES } from '../../core/entries.js';
import { parseVerifierKey, type Signer } from '../../core/log/note.js';
import { InputError } from '../../formats/errors.js';
import { readBallotManifest } from '../../formats/manifest/ballot-manifest.js';
import { nodeSha256 } from '../../platform/node-sha256.js';
import type { Store } from '../../store/store.js';
import { fileSha256 } from '../import-cvrs.js';
import { parseDefinition } from '../load-election.js';
import { verifyStore } from '../verify-store.js';
import { type AuditAppend, appendAudit } from './append.js';
import { drawAudit, loadAudit, readCvrKeys } from './state.js';

export interface StartOptions {
  readonly type: AuditType;
  readonly riskLimit: string;
  readonly seed: string;
  readonly contests: readonly string[];
  readonly manifest?: string;
  /** Measure as Arlo does where its conservative choices differ (logged with the start). */
  readonly arloCompatible?: boolean;
  readonly signer: Signer;
  readonly now: string;
  /** The verification pass the start makes first: entries verified, entries in the log. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface Started {
  readonly start: AuditStart;
  readonly firstRound: number;
  /** Manifest batches that do not reconcile with the CVRs (ballot polling goes on; comparison refuses). */
  readonly differences: string[];
}

export function parseRiskLimit(text: string): string {
  const a = Number(text);
  if (!/^\d*\.?\d+$/.test(text.trim()) || !(a > 0 && a < 1))
    throw new Error(
      `the risk limit must be a number between 0 and 1 (e.g. 0.05), not ${JSON.stringify(text)}`,
    );
  return String(a);
}

export async function startAudit(store: Store, o: StartOptions): Promise<Started> {
  if (await loadAudit(store))
    throw new Error('an audit has already been started in this store: its seed and settings cannot change');
  const riskLimit = parseRiskLimit(o.riskLimit);
  if (o.seed.trim() === '')
    throw new Error('the seed is empty: roll the dice in public and enter the digits');
  const stored = await store.election();
  const key = await store.logKey();
  if (!stored || !key) throw new Error('the store holds no signed CVRs yet: import them before the audit');
  const election = parseDefinition('stored definition', stored.bytes).election;

  // The verification pass tallies the logged CVRs and counts them per batch: the reported outcome.
  const report = await verifyStore(store, parseVerifierKey(key.vkey), { onProgress: o.onProgress });
  if (!report.ok || !report.reported || !report.cvrBatches)
    throw new Error(`refusing to audit: the store does not verify: ${report.failures[0]}`);
  const { reported: tally, cvrBatches } = report;

  if (o.contests.length === 0) throw new Error('name at least one contest to audit (--contest NAME)');
  const contests: ReportedContest[] = [];
  for (const wanted of o.contests) {
    const named = contestNamed(election.contests, wanted, 'in the election');
    if (!named.ok) throw new Error(named.error);
    const def = named.value;
    if (contests.some((c) => c.contest === def.id)) throw new Error(`contest ${def.title} is named twice`);
    if (o.type === 'batch' && def.type === 'ranked')
      throw new Error(
        `contest ${def.title} is ranked: a batch comparison audit checks plurality, vote-for-N and yes/no contests; audit IRV by ballot comparison`,
      );
    const reported = tally.report(def, { type: o.type, riskLimit: Number(riskLimit) });
    if (!reported.ok) throw new Error(reported.error);
    contests.push(reported.value);
  }

  let manifest: ManifestBatchRecord[] = [];
  let differences: string[] = [];
  let manifestSha256: string | undefined;
  if (o.manifest) {
    manifest = await readBallotManifest(o.manifest);
    manifestSha256 = await fileSha256(o.manifest);
    differences = reconcileManifest(manifest, cvrBatches);
    if (differences.length > 0 && o.type !== 'polling')
      throw new InputError(
        o.manifest,
        undefined,
        `the manifest does not reconcile with the CVRs, so a ${o.type} audit cannot rely on it:\n  ${differences.slice(0, 20).join('\n  ')}${differences.length > 20 ? `\n  … and ${differences.length - 20} more` : ''}`,
      );
  }
  if (o.type === 'batch') {
    manifest = batchResults(tally, cvrBatches, contests, election, manifest);
    manifestSha256 ??= toHex(nodeSha256(utf8(canonicalJson(manifest))));
  }
  const parts = manifestParts(manifest);
  const population = auditPopulation(o.type, manifest, report.cvrs);
  if (population === 0) throw new Error('there is nothing to sample from');
  const start: AuditStart = {
    record: 'start',
    type: o.type,
    riskLimit,
    seed: o.seed,
    contests,
    population,
    ...(manifestSha256 ? { manifest: { sha256: manifestSha256, parts: parts.length } } : {}),
    ...(o.arloCompatible ? { arloCompatible: true as const } : {}),
  };
  const firstRound = firstRoundDraws(start, manifest);
  const log = { start, manifest, rounds: [], interpretations: new Map(), results: [] };
  const keys = samplesCvrs(o.type, manifest) ? await readCvrKeys(store) : [];
  const draws = await drawAudit(log, keys, firstRound);
  const records: AuditAppend = [
    start,
    ...parts,
    { record: 'round', round: 1, draws: firstRound, sample: sampleDigest(draws, nodeSha256) },
  ];
  await appendAudit(store, { records, signer: o.signer, now: o.now, basedOn: report.size });
  return { start, firstRound, differences };
}

/**
 * A batch audit's batches: every batch the CVRs name, with its ballots and reported votes per audited
 * contest (its CVRs' tally), and its container where the office's manifest gives one.
 */
function batchResults(
  tally: ReportedTally,
  cvrBatches: ReadonlyMap<string, number>,
  contests: readonly ReportedContest[],
  election: Election,
  office: readonly ManifestBatchRecord[],
): ManifestBatchRecord[] {
  const defs = contests.map((c) => election.contests.find((k) => k.id === c.contest)!);
  const container = new Map(office.map((b) => [batchKey(b.tabulator, b.batch), b.container]));
  return tally.batchKeys().map((key) => {
    const [tabulator, batch] = key.split('\u0000') as [string, string];
    if (!batch)
      throw new Error(
        `CVRs${tabulator ? ` of tabulator ${tabulator}` : ''} name no batch: a batch comparison audit needs every CVR's batch`,
      );
    const box = container.get(key) ?? container.get(batchKey(undefined, batch));
    return {
      batch,
      ...(tabulator ? { tabulator } : {}),
      ...(box ? { container: box } : {}),
      ballots: cvrBatches.get(key) ?? 0,
      votes: Object.fromEntries(defs.map((d) => [d.id, tally.batchVotes(key, d)])),
    };
  });
}

/** The manifest in parts small enough for one log entry each. */
function manifestParts(batches: readonly ManifestBatchRecord[]): AuditManifestPart[] {
  const parts: AuditManifestPart[] = [];
  let current: ManifestBatchRecord[] = [];
  let bytes = 0;
  const budget = MAX_ENTRY_BYTES - 1000;
  for (const b of batches) {
    const size = utf8(canonicalJson(b)).length + 1;
    if (current.length > 0 && bytes + size > budget) {
      parts.push({ record: 'manifest', part: parts.length + 1, batches: current });
      current = [];
      bytes = 0;
    }
    current.push(b);
    bytes += size;
  }
  if (current.length > 0) parts.push({ record: 'manifest', part: parts.length + 1, batches: current });
  return parts;
}
