/**
 * Verifies the evidence of a log from its raw parts alone — checkpoints, entries, tiles, the definition — so
 * the same code checks a published bundle (CLI or browser) and a live store. It recomputes; it trusts nothing.
 */
import { batchKey } from '../audit/population.js';
import type { AuditRecord } from '../audit/records.js';
import { ReportedTally } from '../audit/reported.js';
import { type AuditSummary, type ManifestDrawer, verifyAudit } from '../audit/verify-audit.js';
import { bytesEqual, toHex } from '../bytes.js';
import type { Cvr } from '../cvr/model.js';
import { cvrProblem, indexDefinition } from '../cvr/validate.js';
import { describeIssues, loadElection } from '../election/load.js';
import { decodeEntry } from '../entries.js';
import type { LoggedEvent } from '../events/nist-eel.js';
import { portableSha256, type Sha256 } from '../hash.js';
import { type Checkpoint, verifyCheckpoint } from '../log/checkpoint.js';
import { inclusionProofFromTiles } from '../log/inclusion.js';
import { defaultHasher, type MerkleHasher, verifyInclusion } from '../log/merkle.js';
import { keyLabel, parseNote, type Verifier } from '../log/note.js';
import { TILE_WIDTH, type Tile, TileBuilder } from '../log/tiles.js';
import { countsBytes, GROUP_BY, PluralityTally } from '../tabulate/plurality.js';

export interface StoredEntry {
  readonly body: Uint8Array;
  /** Lookup columns kept beside the entry by a store; checked against the entry itself. */
  readonly columns?: { kind: string; jurisdiction: string | null; cvrId: string | null };
}

export interface EvidenceSource {
  /** Every signed checkpoint, oldest first. */
  checkpointNotes(): Promise<string[]>;
  electionBytes(): Promise<Uint8Array | null>;
  /** Entries [0, size) in log order, in batches. */
  entries(size: number): AsyncIterable<readonly StoredEntry[]>;
  /** The stored or published tile, or null when absent. */
  tile(level: number, index: number, width: number): Promise<Uint8Array | null>;
  /** One entry's bytes (an audit's sampled CVRs are read again, each proven by an inclusion proof). */
  entry(seq: number, size: number): Promise<Uint8Array | null>;
}

export interface ImportRecord {
  readonly seq: number;
  readonly sha256: string;
  readonly cvrs: number;
  readonly first: number;
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly failures: string[];
  readonly origin?: string;
  readonly size: number;
  readonly cvrs: number;
  readonly events: LoggedEvent[];
  readonly imports: ImportRecord[];
  readonly checkpoints: Checkpoint[];
  /** No checkpoint verifies with the key given: the only finding says so, and nothing else was checked. */
  readonly keyMismatch?: boolean;
  readonly electionSha256?: string;
  readonly electionId?: string;
  /** The risk-limiting audit recorded in the log, recomputed; absent when there is none. */
  readonly audit?: AuditSummary;
  /** Votes per choice id of the logged CVRs (what an audit starts from); absent without a valid definition. */
  readonly reported?: ReportedTally;
  /** Logged CVRs per batch key (tabulator, batch), for reconciling a ballot manifest. */
  readonly cvrBatches?: ReadonlyMap<string, number>;
}

const MAX_LISTED = 25;

export interface VerifyOptions {
  /** Hash implementations (Node passes node:crypto; the browser keeps the portable defaults). */
  readonly hasher?: MerkleHasher;
  readonly sha256?: Sha256;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called with every CVR as it is verified, so a tally can ride on the verification pass. */
  readonly onCvr?: (cvr: Cvr, seq: number) => void;
  /** Draws a polled manifest's audit sample faster than core's one thread (Node: on two threads). */
  readonly drawManifest?: ManifestDrawer;
}

/** The checkpoints signed by the trusted key, each problem (signature, origin, a shrinking size) passed to `fail`. */
export function signedCheckpoints(
  notes: readonly string[],
  verifier: Verifier,
  fail: (problem: string) => void,
): Checkpoint[] {
  const checkpoints: Checkpoint[] = [];
  for (const [i, note] of notes.entries()) {
    try {
      const c = verifyCheckpoint(note, verifier);
      const prev = checkpoints[checkpoints.length - 1];
      if (prev && c.origin !== prev.origin)
        fail(`checkpoint ${i + 1} has origin ${c.origin}, earlier ones ${prev.origin}`);
      if (prev && c.size < prev.size)
        fail(`checkpoint ${i + 1} shrinks the log from ${prev.size} to ${c.size} entries`);
      checkpoints.push(c);
    } catch (e) {
      fail(`checkpoint ${i + 1}: ${(e as Error).message}`);
    }
  }
  return checkpoints;
}

/** The plain statement for a log none of whose checkpoints the given key signed, naming who did sign. */
function notSignedByKeyGiven(notes: readonly string[], verifier: Verifier): string {
  const signers = new Set<string>();
  for (const note of notes)
    try {
      for (const sig of parseNote(note).signatures) signers.add(`${sig.name}+${toHex(sig.keyId)}`);
    } catch {
      // An unreadable note names no signer; the count below still says none verified.
    }
  const named =
    signers.size > 0
      ? `its ${notes.length} checkpoints are signed by ${[...signers].join(', ')}`
      : 'its checkpoints name no signer';
  return `the log is not signed by the key given (${keyLabel(verifier)}): ${named}. Nothing else was checked: verify with the log's own key`;
}

export async function verifyEvidence(
  source: EvidenceSource,
  verifier: Verifier,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const hasher = options.hasher ?? defaultHasher;
  const sha256 = options.sha256 ?? portableSha256;
  const failures: string[] = [];
  let omitted = 0;
  const fail = (msg: string) => {
    if (failures.length < MAX_LISTED) failures.push(msg);
    else omitted++;
  };
  const report = (extra: Partial<VerificationReport>): VerificationReport => {
    if (omitted) failures.push(`… and ${omitted} more failures`);
    return {
      ok: failures.length === 0,
      failures,
      size: 0,
      cvrs: 0,
      events: [],
      imports: [],
      checkpoints: [],
      ...extra,
    };
  };

  // 1. Every checkpoint is signed by the trusted key, for one origin, and sizes never shrink.
  const notes = await source.checkpointNotes();
  const checkpoints = signedCheckpoints(notes, verifier, fail);
  const latest = checkpoints[checkpoints.length - 1];
  if (!latest) {
    // Not one checkpoint verifies: the key given is most likely not the log's. Say that alone — the
    // findings that would follow from it (nothing imported, no counts) are not tampering.
    failures.length = 0;
    fail(notes.length > 0 ? notSignedByKeyGiven(notes, verifier) : 'no checkpoint signed by the trusted key');
    return report({ checkpoints, keyMismatch: notes.length > 0 });
  }
  const size = latest.size;

  // 2. The election definition, by its exact bytes.
  const electionBytes = await source.electionBytes();
  const loaded = electionBytes ? loadElection(electionBytes, sha256) : null;
  if (!electionBytes) fail('the election definition is missing');
  else if (loaded && !loaded.ok) fail(`the election definition is invalid: ${describeIssues(loaded.error)}`);
  const election = loaded?.ok ? loaded.value : undefined;
  const index = election ? indexDefinition(election.election) : undefined;

  // 3. Recompute the tree from the entries; check tiles, the definition binding, every CVR and event.
  const sizesOfInterest = new Set(checkpoints.map((c) => c.size));
  const rootsAt = new Map<number, Uint8Array>();
  const partialsAt = new Map<number, Tile[]>();
  const fullTiles: Tile[] = [];
  const builder = new TileBuilder(hasher, (t) => fullTiles.push(t));
  if (sizesOfInterest.has(0)) rootsAt.set(0, builder.root());
  const ids = new Set<string>();
  const reported = election ? new ReportedTally(election.election) : undefined;
  // Each import's counts, recounted from its CVRs, against the hash its import event logged.
  const newImportCounts = () => (election ? new PluralityTally(election.election, GROUP_BY) : undefined);
  let importCounts = newImportCounts();
  const cvrBatches = new Map<string, number>();
  const auditRecords: AuditRecord[] = [];
  const events: LoggedEvent[] = [];
  const imports: ImportRecord[] = [];
  let cvrs = 0;
  let openRun = { first: -1, count: 0 };
  let seq = 0;

  const checkTiles = async () => {
    for (const t of fullTiles.splice(0)) {
      const got = await source.tile(t.level, t.index, TILE_WIDTH);
      if (!got) fail(`tile ${t.level}/${t.index} is missing`);
      else if (!bytesEqual(got, t.hashes)) fail(`tile ${t.level}/${t.index} does not match the entries`);
    }
  };

  try {
    for await (const batch of source.entries(size)) {
      for (const stored of batch) {
        if (seq >= size) break;
        builder.appendLeafHash(hasher.hashLeaf(stored.body));
        const decoded = decodeEntry(stored.body);
        // The log begins by committing to its definition: without that event, whoever serves the files
        // could pair the records with another definition (other candidate names) unnoticed.
        if (
          seq === 0 &&
          !(decoded.ok && decoded.value.kind === 'event' && decoded.value.event.type === 'election.loaded')
        )
          fail(
            'entry 0: the log does not begin with the election.loaded event that commits to its definition',
          );
        if (!decoded.ok) fail(`entry ${seq}: ${decoded.error}`);
        else if (decoded.value.kind === 'cvr') {
          const cvr = decoded.value.cvr;
          cvrs++;
          if (openRun.count === 0) openRun = { first: seq, count: 0 };
          openRun.count++;
          const key = `${cvr.jurisdiction}\u0000${cvr.id}`;
          if (ids.has(key))
            fail(`entry ${seq}: CVR ${cvr.id} of ${cvr.jurisdiction} appears twice in the log`);
          ids.add(key);
          if (index) {
            const problem = cvrProblem(cvr, index);
            if (problem) fail(`entry ${seq}: CVR ${cvr.id}: ${problem}`);
          }
          options.onCvr?.(cvr, seq);
          reported?.add(cvr);
          importCounts?.add(cvr);
          const batch = batchKey(cvr.tabulator, cvr.batch);
          cvrBatches.set(batch, (cvrBatches.get(batch) ?? 0) + 1);
          if (auditRecords.length > 0) fail(`entry ${seq}: a CVR logged after the audit started`);
          if (events.length === 0) fail(`entry ${seq}: a CVR before the election was loaded`);
          const c = stored.columns;
          if (c && (c.kind !== 'cvr' || c.jurisdiction !== cvr.jurisdiction || c.cvrId !== cvr.id))
            fail(`entry ${seq}: the stored lookup columns disagree with the logged CVR`);
        } else if (decoded.value.kind === 'audit') {
          auditRecords.push(decoded.value.record);
          if (stored.columns && stored.columns.kind !== 'audit')
            fail(`entry ${seq}: stored as ${stored.columns.kind}, logged as an audit record`);
        } else {
          const event = decoded.value.event;
          events.push({ seq, event, entrySha256: toHex(sha256(stored.body)) });
          if (stored.columns && stored.columns.kind !== 'event')
            fail(`entry ${seq}: stored as ${stored.columns.kind}, logged as an event`);
          if (event.type === 'election.loaded') {
            if (seq !== 0) fail(`entry ${seq}: an election.loaded event after the log began`);
            if (election && event.data.sha256 !== election.sha256)
              fail(
                `entry ${seq}: the log commits to election definition ${event.data.sha256}, the definition given is ${election.sha256}`,
              );
          } else if (event.type === 'cvrs.imported') {
            const claimed = { cvrs: Number(event.data.cvrs), first: Number(event.data.first) };
            const actual =
              openRun.count === 0 ? { cvrs: 0, first: seq } : { cvrs: openRun.count, first: openRun.first };
            if (claimed.cvrs !== actual.cvrs || claimed.first !== actual.first)
              fail(
                `entry ${seq}: import event claims ${claimed.cvrs} CVRs from entry ${claimed.first}, the log has ${actual.cvrs} from ${actual.first}`,
              );
            const logged = event.data.counts;
            if (importCounts && typeof logged === 'string') {
              const recounted = toHex(sha256(countsBytes(importCounts.counts())));
              if (recounted !== logged)
                fail(
                  `entry ${seq}: the import logged counts ${logged}, its CVRs count to ${recounted}: the logged counts do not follow from the records`,
                );
            }
            importCounts = newImportCounts();
            imports.push({
              seq,
              sha256: String(event.data.sha256),
              cvrs: claimed.cvrs,
              first: claimed.first,
            });
            openRun = { first: -1, count: 0 };
          }
        }
        seq++;
        if (sizesOfInterest.has(seq)) {
          rootsAt.set(seq, builder.root());
          partialsAt.set(seq, builder.partialTiles());
        }
      }
      await checkTiles();
      options.onProgress?.(seq, size);
    }
  } catch (e) {
    fail(`reading the entries after entry ${seq}: ${(e as Error).message}`);
  }
  if (seq < size) fail(`the log holds ${seq} entries, the latest checkpoint covers ${size}`);
  if (openRun.count > 0)
    fail(`${openRun.count} CVRs from entry ${openRun.first} are not closed by an import event`);

  // 4. Every checkpoint's root is the root of that prefix of the entries: the history is consistent.
  for (const [i, c] of checkpoints.entries()) {
    const root = rootsAt.get(c.size);
    if (root && !bytesEqual(root, c.root))
      fail(
        `checkpoint ${i + 1} (size ${c.size}) does not match the entries: an entry was changed, removed, inserted or reordered`,
      );
    for (const t of partialsAt.get(c.size) ?? []) {
      const got = await source.tile(t.level, t.index, t.width);
      if (!got) fail(`tile ${t.level}/${t.index}.p/${t.width} is missing`);
      else if (!bytesEqual(got, t.hashes))
        fail(`tile ${t.level}/${t.index}.p/${t.width} does not match the entries`);
    }
  }

  // 5. The audit, recomputed from its logged records and the CVRs they name.
  let audit: AuditSummary | undefined;
  if (auditRecords.length > 0 && election && reported) {
    // Every sampled CVR is proven included: the few tiles above level 0 serve every proof, read once.
    const upper = new Map<string, Promise<Uint8Array | null>>();
    const proofTile = (level: number, index: number, width: number) => {
      if (level === 0) return source.tile(level, index, width);
      const key = `${level}/${index}/${width}`;
      const cached = upper.get(key);
      if (cached) return cached;
      const tile = source.tile(level, index, width);
      upper.set(key, tile);
      return tile;
    };
    const checked = await verifyAudit({
      records: auditRecords,
      election: election.election,
      reported,
      cvrKeys: [...ids].map((k) => {
        const cut = k.indexOf('\u0000');
        return { jurisdiction: k.slice(0, cut), id: k.slice(cut + 1) };
      }),
      cvrBatches,
      sha256,
      ...(options.drawManifest ? { drawManifest: options.drawManifest } : {}),
      cvrAt: async (at) => {
        const body = await source.entry(at, size);
        if (!body) throw new Error(`entry ${at} is missing`);
        verifyInclusion(
          at,
          size,
          hasher.hashLeaf(body),
          await inclusionProofFromTiles(at, size, proofTile, hasher),
          latest.root,
          hasher,
        );
        const decoded = decodeEntry(body);
        if (!decoded.ok || decoded.value.kind !== 'cvr') throw new Error(`entry ${at} is not a CVR`);
        return decoded.value.cvr;
      },
    });
    for (const f of checked.failures) fail(f);
    audit = checked.summary;
  }

  return report({
    audit,
    reported,
    cvrBatches,
    origin: latest.origin,
    size,
    cvrs,
    events,
    imports,
    checkpoints,
    electionSha256: election?.sha256,
    electionId: election?.election.id,
  });
}
