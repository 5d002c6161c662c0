/**
 * The office's key signs only what the office's command wrote. A database role with INSERT rights and no
 * key could otherwise append CVR entries, audit readings, tiles, import or count rows after the latest
 * signed checkpoint, and the next routine import or `audit record` would sign a checkpoint over them.
 *
 * So every writer first proves that the store ends exactly where the latest signed checkpoint ends (its
 * signature by the log's key, its size, its root recomputed from the stored right edge of the tree, no
 * import or count row beyond it), and again, before it signs, that the store ends exactly at that
 * checkpoint plus what this transaction wrote. Anything else is refused, naming the rows.
 */
import { type Kysely, sql } from 'kysely';
import { bytesEqual } from '../core/bytes.js';
import { verifyCheckpoint } from '../core/log/checkpoint.js';
import { parseVerifierKey } from '../core/log/note.js';
import type { Schema } from './database.js';

/** Rows no signed command wrote: refused before anything is signed over them. */
export class StoreIntrusionError extends Error {
  readonly code = 'not-verified';
  constructor(readonly findings: readonly string[]) {
    super(`refusing to sign: ${findings.join('; ')}`);
  }
}

/** Where the signed log ends, as the writer found it; what this transaction adds is checked against it. */
export interface SignedEnd {
  /** Entries the latest checkpoint signs (0 before the first checkpoint). */
  readonly size: number;
  /** The highest import id in the store when the writer opened. */
  readonly lastImportId: number;
}

const LISTED = 5;

/** The entries from `from` on, named for a refusal: seq, kind and, for CVRs, the id. */
async function nameEntries(db: Kysely<Schema>, from: number): Promise<string> {
  const rows = await db
    .selectFrom('entries')
    .select(['seq', 'kind', 'cvr_id'])
    .where('seq', '>=', from)
    .orderBy('seq')
    .limit(LISTED + 1)
    .execute();
  const named = rows
    .slice(0, LISTED)
    .map((r) => `#${r.seq} (${r.kind}${r.cvr_id !== null ? ` ${JSON.stringify(r.cvr_id)}` : ''})`);
  return `${named.join(', ')}${rows.length > LISTED ? ', …' : ''}`;
}

async function maxNumber(db: Kysely<Schema>, query: 'entries' | 'imports'): Promise<number | null> {
  const column = query === 'entries' ? 'seq' : 'id';
  const row = await db
    .selectFrom(query)
    .select((eb) => eb.fn.max(column).as('max'))
    .executeTakeFirst();
  return row?.max === null || row?.max === undefined ? null : Number(row.max);
}

/** Count rows whose import the store does not hold (a count row is written only with its import). */
async function orphanCounts(db: Kysely<Schema>, afterImport = 0): Promise<number[]> {
  const rows = await db
    .selectFrom('import_counts')
    .select('import_id')
    .where('import_id', '>', afterImport)
    .where('import_id', 'not in', db.selectFrom('imports').select('id'))
    .limit(LISTED)
    .execute();
  return rows.map((r) => Number(r.import_id));
}

/**
 * Proves the store ends at its latest signed checkpoint. `size` is the log size the store's entries give;
 * `root` recomputes the root from the stored right edge at that size.
 */
export async function proveSignedEnd(
  db: Kysely<Schema>,
  size: number,
  root: () => Promise<Uint8Array>,
): Promise<SignedEnd> {
  const findings: string[] = [];
  const latest = await db
    .selectFrom('checkpoints')
    .select(['id', 'size', 'root', 'note'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  let signedSize = 0;
  if (latest) {
    signedSize = Number(latest.size);
    const key = await db.selectFrom('log_key').select(['origin', 'vkey']).executeTakeFirst();
    try {
      if (!key) throw new Error('the store has checkpoints but no log key');
      const note = verifyCheckpoint(latest.note, parseVerifierKey(key.vkey), key.origin);
      if (note.size !== signedSize || !bytesEqual(note.root, latest.root))
        throw new Error('its size or root columns differ from its signed note');
    } catch (e) {
      findings.push(`checkpoint #${latest.id} is not one the log's key signed: ${(e as Error).message}`);
    }
  }
  // The one unsigned entry a command leaves: `election load` without a key, before the first checkpoint.
  const unsignedElection =
    !latest &&
    size === 1 &&
    (await db.selectFrom('entries').select('kind').where('seq', '=', 0).executeTakeFirst())?.kind === 'event';
  if (size > signedSize && !unsignedElection)
    findings.push(
      `${size - signedSize} entries after the latest signed checkpoint (size ${signedSize}) were written by no signed command: ${await nameEntries(db, signedSize)}`,
    );
  if (size < signedSize)
    findings.push(`the store holds ${size} entries but its latest checkpoint signs ${signedSize}`);
  if (latest && size === signedSize && !bytesEqual(await root(), latest.root))
    findings.push(
      `the stored tiles at the right edge of the tree do not give the signed root of size ${size}`,
    );

  const beyond = await db
    .selectFrom('imports')
    .select(['id', 'file_name'])
    .where(sql<number>`first_seq + cvr_count`, '>=', signedSize)
    .limit(LISTED)
    .execute();
  for (const row of beyond)
    findings.push(`import row #${row.id} (${row.file_name}) reaches past the signed log`);
  for (const id of await orphanCounts(db))
    findings.push(`count row for import #${id}, which the store does not hold`);

  if (findings.length > 0) throw new StoreIntrusionError(findings);
  return { size: signedSize, lastImportId: (await maxNumber(db, 'imports')) ?? 0 };
}

/**
 * Before signing: the store ends exactly at the signed end plus what this transaction appended — the
 * entries up to `size` and the import rows it inserted, each count row belonging to one of them.
 */
export async function proveOwnTail(
  db: Kysely<Schema>,
  start: SignedEnd,
  written: { size: number; importIds: ReadonlySet<number> },
): Promise<void> {
  const findings: string[] = [];
  const last = await maxNumber(db, 'entries');
  const size = last === null ? 0 : last + 1;
  if (size !== written.size)
    findings.push(
      `the store holds ${size} entries where this command wrote up to ${written.size}: ${await nameEntries(db, written.size)}`,
    );
  const imports = await db
    .selectFrom('imports')
    .select(['id', 'file_name'])
    .where('id', '>', start.lastImportId)
    .execute();
  for (const row of imports)
    if (!written.importIds.has(Number(row.id)))
      findings.push(`import row #${row.id} (${row.file_name}) was written by another hand`);
  for (const id of await orphanCounts(db, start.lastImportId))
    findings.push(`count row for import #${id}, which the store does not hold`);
  const counted = await db
    .selectFrom('import_counts')
    .select('import_id')
    .where('import_id', '>', start.lastImportId)
    .execute();
  for (const row of counted)
    if (!written.importIds.has(Number(row.import_id)))
      findings.push(`count row for import #${row.import_id} was written by another hand`);
  if (findings.length > 0) throw new StoreIntrusionError(findings);
}
