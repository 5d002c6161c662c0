/** verify --db: the live store checked against its latest signed checkpoint, plus the store's own guards. */
import { readAuditLog } from '../core/audit/replay.js';
import { type ManifestDrawer, manifestDrawOf } from '../core/audit/verify-audit.js';
import { toHex } from '../core/bytes.js';
import type { Verifier } from '../core/log/note.js';
import { type VerificationReport, type VerifyOptions, verifyEvidence } from '../core/verify/evidence.js';
import { nodeSha256 } from '../platform/node-sha256.js';
import type { Store } from '../store/store.js';
import { drawFromManifest } from './sample-manifest.js';

export interface VerifyStoreOptions {
  readonly onProgress?: (done: number, total: number) => void;
  readonly onCvr?: VerifyOptions['onCvr'];
  /** Entries appended after the latest checkpoint are a failure unless the caller only uses the signed part (publish). */
  readonly allowUnsignedTail?: boolean;
}

/**
 * A polled manifest's audit sample, started from the stored audit records before the log is verified: they
 * come last in the log, and waiting for them would leave the drawing threads idle through the whole pass.
 * Verification still asks for its draw from what it verified; the early one answers only a request with
 * exactly the same seed, manifest and count (the draw is a function of those alone), any other is drawn anew.
 */
export async function earlyManifestDraw(store: Store): Promise<ManifestDrawer> {
  const read = readAuditLog((await store.auditRecords().catch(() => [])).map((r) => r.record));
  const log = read.ok ? read.value : undefined;
  const args = log && manifestDrawOf(log, log.rounds.at(-1)?.draws ?? 0);
  if (!args) return drawFromManifest;
  const early = drawFromManifest(...args);
  early.catch(() => {}); // a failure is met again if verification asks for the same draw
  const key = JSON.stringify(args);
  return (...asked) => (JSON.stringify(asked) === key ? early : drawFromManifest(...asked));
}

export async function verifyStore(
  store: Store,
  verifier: Verifier,
  options: VerifyStoreOptions = {},
): Promise<VerificationReport> {
  const { onProgress, onCvr } = options;
  const report = await verifyEvidence(
    {
      checkpointNotes: async () => (await store.checkpoints()).map((c) => c.note),
      electionBytes: async () => (await store.election())?.bytes ?? null,
      tile: (level, index, width) => store.tile(level, index, width),
      entry: (seq) => store.entryBody(seq),
      entries: async function* (size) {
        let expected = 0;
        for await (const rows of store.entries(0, size)) {
          for (const r of rows)
            if (r.seq !== expected++) throw new Error(`entry ${expected - 1} is missing from the store`);
          yield rows.map((r) => ({
            body: r.body,
            columns: { kind: r.kind, jurisdiction: r.jurisdiction, cvrId: r.cvr_id },
          }));
        }
      },
    },
    verifier,
    {
      hasher: store.hasher,
      sha256: nodeSha256,
      onProgress,
      onCvr,
      drawManifest: await earlyManifestDraw(store),
    },
  );
  // Checked against the wrong key, the store's rows would all look unaccounted for: say the one thing.
  if (report.keyMismatch) return report;
  const failures = [...report.failures];

  // Other commands may commit while this one verifies: the store is compared with the log as far as the
  // checkpoint verified, and rows count as unsigned only if no checkpoint read after them signs them.
  const rows = await store.entryCount();
  const storedImports = await store.imports();
  const signedEnd = Math.max(report.size, (await store.checkpoints()).at(-1)?.size ?? 0);
  if (rows === 1 && report.size === 0 && !options.allowUnsignedTail)
    failures.push(
      'the election is loaded but no checkpoint signs it yet: `election load --key` or the first import signs it',
    );
  else if (rows > signedEnd && !options.allowUnsignedTail)
    failures.push(
      `intrusion: ${rows - signedEnd} entries after the latest checkpoint (size ${signedEnd}) were written by no signed command (every Tallyproof write signs its checkpoint in the same transaction)`,
    );
  for (const row of storedImports)
    if (Number(row.first_seq) + Number(row.cvr_count) >= signedEnd)
      failures.push(`intrusion: import row #${row.id} (${row.file_name}) reaches past the signed log`);
  const missing = await store.missingAppendOnlyGuards();
  if (missing.length > 0)
    failures.push(`append-only guards are missing from the database: ${missing.join(', ')}`);
  const election = await store.election();
  if (election && report.electionSha256 && election.sha256 !== report.electionSha256)
    failures.push('the stored definition hash does not match its bytes');

  const imports = storedImports.filter((row) => Number(row.first_seq) < report.size);
  if (imports.length !== report.imports.length)
    failures.push(`the store lists ${imports.length} imports, the log records ${report.imports.length}`);
  imports.forEach((row, i) => {
    const logged = report.imports[i];
    if (
      logged &&
      (row.file_sha256 !== logged.sha256 ||
        Number(row.cvr_count) !== logged.cvrs ||
        Number(row.first_seq) !== logged.first)
    )
      failures.push(`import #${row.id} (${row.file_name}) disagrees with its logged import event`);
  });
  const counts = await store.importCounts();
  const loggedCounts = new Map(
    report.events.filter((e) => e.event.type === 'cvrs.imported').map((e) => [e.seq, e.event.data.counts]),
  );
  for (const row of imports) {
    const stored = counts.get(row.id);
    const logged = loggedCounts.get(Number(row.first_seq) + Number(row.cvr_count));
    if (!stored && logged === undefined) continue; // an import from before counts were logged
    if (!stored || stored.sha256 !== logged || toHex(nodeSha256(stored.body)) !== stored.sha256)
      failures.push(
        `import #${row.id} (${row.file_name}): the stored counts are not the counts its import logged`,
      );
  }
  return { ...report, failures, ok: failures.length === 0 };
}
