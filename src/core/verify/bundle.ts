/**
 * The published evidence bundle (a static folder) and its verification from the files alone.
 * Layout: C2SP tlog-tiles (`checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`) plus
 * `checkpoints/<n>` (every signed checkpoint), `election.json`, `log.vkey`, `events.json`, `bundle.json`.
 */
import { z } from 'zod';
import { bytesEqual, fromUtf8, utf8 } from '../bytes.js';
import type { Cvr } from '../cvr/model.js';
import { loadElection } from '../election/load.js';
import type { Election } from '../election/schema.js';
import { toElectionEventLog } from '../events/nist-eel.js';
import { type Verifier, verifierKeyText } from '../log/note.js';
import { decodeEntryBundle, entryBundlesForSize, TILE_WIDTH, tilePath } from '../log/tiles.js';
import { type RankedContestResult, RankedTally } from '../rcv/ranked-results.js';
import { type ContestResult, PluralityTally } from '../tabulate/plurality.js';
import { type VerificationReport, type VerifyOptions, verifyEvidence } from './evidence.js';

export const BUNDLE_FILES = {
  manifest: 'bundle.json',
  checkpoint: 'checkpoint',
  election: 'election.json',
  key: 'log.vkey',
  events: 'events.json',
  results: 'results.json',
} as const;

export const checkpointPath = (n: number) => `checkpoints/${n}`;

export const BundleManifestSchema = z
  .object({
    format: z.literal('tallyproof-bundle/1'),
    origin: z.string(),
    size: z.number().int().min(0),
    cvrs: z.number().int().min(0),
    election: z.object({ file: z.literal(BUNDLE_FILES.election), sha256: z.string() }).strict(),
    key: z.literal(BUNDLE_FILES.key),
    events: z.literal(BUNDLE_FILES.events),
    results: z.literal(BUNDLE_FILES.results),
    checkpoints: z.array(z.string()),
  })
  .strict();
export type BundleManifest = z.infer<typeof BundleManifestSchema>;

/** Everything in bundle.json follows from verified facts, so verify can demand the exact bytes. */
export function bundleManifest(
  r: Pick<VerificationReport, 'origin' | 'size' | 'cvrs' | 'electionSha256' | 'checkpoints'>,
): BundleManifest {
  return {
    format: 'tallyproof-bundle/1',
    origin: r.origin ?? '',
    size: r.size,
    cvrs: r.cvrs,
    election: { file: BUNDLE_FILES.election, sha256: r.electionSha256 ?? '' },
    key: BUNDLE_FILES.key,
    events: BUNDLE_FILES.events,
    results: BUNDLE_FILES.results,
    checkpoints: r.checkpoints.map((_, i) => checkpointPath(i + 1)),
  };
}

export const renderJson = (value: unknown): Uint8Array => utf8(`${JSON.stringify(value, null, 2)}\n`);

/**
 * results.json: the plurality-family tally of the logged CVRs, as `tallyproof tally --json` prints it,
 * and, when the election has any, each ranked contest's rounds and winners under `rankedContests`.
 */
export class PublishedResults {
  private readonly plurality: PluralityTally;
  private readonly ranked: RankedTally;

  constructor(election: Election) {
    this.plurality = new PluralityTally(election);
    this.ranked = new RankedTally(election);
  }

  add(cvr: Cvr): void {
    this.plurality.add(cvr);
    this.ranked.add(cvr);
  }

  document(): { contests: ContestResult[]; rankedContests?: RankedContestResult[] } {
    const contests = this.plurality.contests();
    return this.ranked.hasContests ? { contests, rankedContests: this.ranked.contests() } : { contests };
  }
}

export const eventsDocument = (r: VerificationReport) =>
  toElectionEventLog(r.events, r.electionId ?? '', r.origin ?? '');

/** Reads a file of the bundle by its path relative to the bundle root; null when absent. */
export type BundleFiles = (path: string) => Promise<Uint8Array | null>;

export async function verifyBundle(
  read: BundleFiles,
  verifier: Verifier,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const extra: string[] = [];
  const manifestBytes = await read(BUNDLE_FILES.manifest);
  let manifest: BundleManifest | undefined;
  if (!manifestBytes) extra.push('bundle.json is missing');
  else {
    try {
      manifest = BundleManifestSchema.parse(JSON.parse(fromUtf8(manifestBytes)));
    } catch (e) {
      extra.push(`bundle.json is malformed: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  const checkpointFiles = manifest?.checkpoints ?? [BUNDLE_FILES.checkpoint];
  const notes: string[] = [];
  for (const file of checkpointFiles) {
    const bytes = await read(file);
    if (!bytes) extra.push(`${file} is missing`);
    else {
      try {
        notes.push(fromUtf8(bytes));
      } catch {
        extra.push(`${file} is not valid UTF-8`);
      }
    }
  }

  // The published results are recomputed from the logged CVRs during the same pass.
  const electionBytes = await read(BUNDLE_FILES.election);
  const loaded = electionBytes ? loadElection(electionBytes, options.sha256) : undefined;
  const results = loaded?.ok ? new PublishedResults(loaded.value.election) : undefined;

  const report = await verifyEvidence(
    {
      checkpointNotes: async () => notes,
      electionBytes: async () => electionBytes,
      tile: (level, index, width) => read(tilePath(level, index, width)),
      entry: async (seq, size) => {
        const index = Math.floor(seq / TILE_WIDTH);
        const bytes = await read(tilePath('entries', index, Math.min(TILE_WIDTH, size - index * TILE_WIDTH)));
        return bytes ? (decodeEntryBundle(bytes)[seq % TILE_WIDTH] ?? null) : null;
      },
      entries: async function* (size) {
        for (const b of entryBundlesForSize(size)) {
          const path = tilePath('entries', b.index, b.width);
          const bytes = await read(path);
          if (!bytes) throw new Error(`${path} is missing`);
          const entries = decodeEntryBundle(bytes);
          if (entries.length !== b.width)
            throw new Error(`${path} holds ${entries.length} entries, not ${b.width}`);
          yield entries.map((body) => ({ body }));
        }
      },
    },
    verifier,
    {
      ...options,
      onCvr: (cvr, seq) => {
        results?.add(cvr);
        options.onCvr?.(cvr, seq);
      },
    },
  );

  // Checked against another key, the bundle's files would all look wrong: the one finding says why.
  if (report.keyMismatch) return report;
  const failures = [...extra, ...report.failures];
  const same = async (path: string, want: Uint8Array, what: string) => {
    const got = await read(path);
    if (!got) failures.push(`${path} is missing`);
    else if (!bytesEqual(got, want)) failures.push(`${path} ${what}`);
  };
  const latestNote = notes[notes.length - 1];
  if (latestNote !== undefined)
    await same(BUNDLE_FILES.checkpoint, utf8(latestNote), 'is not the latest checkpoint');
  await same(BUNDLE_FILES.key, utf8(`${verifierKeyText(verifier)}\n`), 'is not the key you trust');
  if (report.ok || report.checkpoints.length > 0) {
    await same(BUNDLE_FILES.manifest, renderJson(bundleManifest(report)), 'does not match the verified log');
    await same(
      BUNDLE_FILES.events,
      renderJson(eventsDocument(report)),
      'does not match the events in the log',
    );
    if (results)
      await same(
        BUNDLE_FILES.results,
        renderJson(results.document()),
        'does not match a tally of the logged CVRs',
      );
  }
  // Partial entry bundles published for earlier checkpoints must be prefixes of the current ones.
  for (const c of report.checkpoints) {
    const width = c.size % TILE_WIDTH;
    if (width === 0 || c.size === report.size) continue;
    const index = Math.floor(c.size / TILE_WIDTH);
    const older = await read(tilePath('entries', index, width));
    const newer = await read(
      tilePath('entries', index, Math.min(TILE_WIDTH, report.size - index * TILE_WIDTH)),
    );
    if (!older || !newer) {
      failures.push(`entry bundle ${index}.p/${width} is missing`);
      continue;
    }
    try {
      const a = decodeEntryBundle(older);
      const b = decodeEntryBundle(newer).slice(0, width);
      if (a.length !== width || a.some((e, i) => !bytesEqual(e, b[i]!)))
        failures.push(`entry bundle ${index}.p/${width} disagrees with the later entries`);
    } catch (e) {
      failures.push(`entry bundle ${index}.p/${width}: ${(e as Error).message}`);
    }
  }
  return { ...report, failures, ok: failures.length === 0 };
}
