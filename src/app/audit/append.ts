/** Appends audit records to the log in one transaction with a signed checkpoint: all of a step, or none. */
import type { AuditRecord } from '../../core/audit/records.js';
import { encodeAudit } from '../../core/entries.js';
import type { Signer } from '../../core/log/note.js';
import type { Store } from '../../store/store.js';

export type AuditAppend = readonly AuditRecord[];

/** Another command appended to the log after this one read the state its records follow from. */
export class LogMovedError extends Error {
  readonly code = 'conflict';
}

export async function appendAudit(
  store: Store,
  step: {
    readonly records: AuditAppend;
    readonly signer: Signer;
    readonly now: string;
    /** The log size the records were computed from; checked under the writer's lock. */
    readonly basedOn: number;
  },
): Promise<number> {
  return store.append(async (writer) => {
    // Two audit commands at once both read the same state; only the first may append what follows from it.
    if (writer.size !== step.basedOn)
      throw new LogMovedError(
        `the log changed while this command ran (it grew from ${step.basedOn} to ${writer.size} entries): nothing was recorded; run the command again`,
      );
    // A start computed from a log that another start then joined (its size read after that start
    // committed, its check for an audit made before) would be a second seed: checked here, under the lock.
    if (step.records[0]?.record === 'start' && (await writer.lastEntryKind()) === 'audit')
      throw new LogMovedError(
        'an audit has already been started in this store (by another command while this one ran): its seed and settings cannot change',
      );
    for (const r of step.records)
      await writer.append(encodeAudit(r), {
        kind: 'audit',
        jurisdiction: null,
        cvr_id: null,
        import_id: null,
      });
    await writer.checkpoint(step.signer, step.now);
    return writer.size;
  });
}
