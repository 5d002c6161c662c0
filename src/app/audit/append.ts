/** Appends audit records to the log in one transaction with a signed checkpoint: all of a step, or none. */
import type { AuditRecord } from '../../core/audit/records.js';
import { encodeAudit } from '../../core/entries.js';
import type { Signer } from '../../core/log/note.js';
import type { Store } from '../../store/store.js';

export type AuditAppend = readonly AuditRecord[];

export async function appendAudit(
  store: Store,
  records: AuditAppend,
  signer: Signer,
  now: string,
): Promise<number> {
  return store.append(async (writer) => {
    for (const r of records)
      await writer.append(encodeAudit(r), {
        kind: 'audit',
        jurisdiction: null,
        cvr_id: null,
        import_id: null,
      });
    await writer.checkpoint(signer, now);
    return writer.size;
  });
}
