/**
 * Appends entries to the log inside one database transaction: rows, leaf hashes, tiles, and signed
 * checkpoints. Only the right edge of the tree is held in memory.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import { bytesEqual } from '../core/bytes.js';
import { type Checkpoint, signCheckpoint } from '../core/log/checkpoint.js';
import type { MerkleHasher } from '../core/log/merkle.js';
import { type Signer, verifierKeyText, vkeyLabel } from '../core/log/note.js';
import { TILE_WIDTH, type Tile, TileBuilder, tilePath, tilesForSize } from '../core/log/tiles.js';
import type { Dialect, EntryTable, ImportTable, OpenDatabase, Schema } from './database.js';
import { proveOwnTail, proveSignedEnd, type SignedEnd, StoreIntrusionError } from './signed-end.js';

const ROWS_PER_INSERT = 1000;

export type EntryMeta = Omit<EntryTable, 'seq' | 'body'>;

export const asBuffer = (u: Uint8Array): Buffer =>
  Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export class LedgerWriter {
  private pendingRows: EntryTable[] = [];
  private pendingTiles: Tile[] = [];
  private finishedAt = -1;
  private readonly importIds = new Set<number>();
  private constructor(
    readonly trx: Transaction<Schema>,
    private readonly hasher: MerkleHasher,
    private readonly builder: TileBuilder,
    private readonly insertRows: (rows: EntryTable[]) => Promise<void>,
    private readonly signedEnd: SignedEnd,
  ) {}

  static async open(
    trx: Transaction<Schema>,
    dialect: Dialect,
    hasher: MerkleHasher,
    sqlite?: OpenDatabase['sqlite'],
  ): Promise<LedgerWriter> {
    // One writer at a time: concurrent appends would race for the same leaf indices.
    if (dialect === 'postgres') await sql`LOCK TABLE entries IN EXCLUSIVE MODE`.execute(trx);
    const row = await trx
      .selectFrom('entries')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirst();
    const size = row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
    // The right edge is read only once the entries are known to end at the signed checkpoint.
    let builder: TileBuilder | undefined;
    const rightEdge = async () => {
      builder ??= new TileBuilder(hasher, (t) => writer.pendingTiles.push(t), {
        size,
        partials: await readRightEdge(trx, size),
      });
      return builder;
    };
    const signedEnd = await proveSignedEnd(trx, size, async () => (await rightEdge()).root());
    const writer: LedgerWriter = new LedgerWriter(
      trx,
      hasher,
      await rightEdge(),
      sqlite ? sqliteInserter(sqlite) : postgresInserter(trx),
      signedEnd,
    );
    return writer;
  }

  async insertElection(sha256: string, definition: Uint8Array, now: string): Promise<void> {
    await this.trx
      .insertInto('election')
      .values({ id: 1, sha256, definition: asBuffer(definition), loaded_at: now })
      .execute();
  }

  async insertImport(row: ImportTable): Promise<void> {
    await this.trx.insertInto('imports').values(row).execute();
    this.importIds.add(row.id);
  }

  async insertImportCounts(importId: number, sha256: string, body: Uint8Array): Promise<void> {
    await this.trx
      .insertInto('import_counts')
      .values({ import_id: importId, sha256, body: asBuffer(body) })
      .execute();
  }

  async importBySha(sha256: string): Promise<ImportTable | null> {
    return (
      (await this.trx
        .selectFrom('imports')
        .selectAll()
        .where('file_sha256', '=', sha256)
        .executeTakeFirst()) ?? null
    );
  }

  /** The kind of the log's last entry: after an audit has started, only audit records follow. */
  async lastEntryKind(): Promise<EntryTable['kind'] | null> {
    if (this.builder.size === 0) return null;
    const row = await this.trx
      .selectFrom('entries')
      .select('kind')
      .where('seq', '=', this.builder.size - 1)
      .executeTakeFirst();
    return row?.kind ?? null;
  }

  async hasElection(): Promise<boolean> {
    return (await this.trx.selectFrom('election').select('id').executeTakeFirst()) !== undefined;
  }

  async nextImportId(): Promise<number> {
    const last = await this.trx
      .selectFrom('imports')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(last?.max ?? 0) + 1;
  }

  get size(): number {
    return this.builder.size;
  }

  async append(body: Uint8Array, meta: EntryMeta, leafHash = this.hasher.hashLeaf(body)): Promise<number> {
    const seq = this.builder.size;
    this.builder.appendLeafHash(leafHash);
    this.pendingRows.push({ seq, body: asBuffer(body), ...meta });
    if (this.pendingRows.length >= ROWS_PER_INSERT) await this.flush();
    return seq;
  }

  async flush(): Promise<void> {
    if (this.pendingRows.length > 0) {
      const rows = this.pendingRows;
      this.pendingRows = [];
      await this.insertRows(rows);
    }
    if (this.pendingTiles.length > 0) {
      const tiles = this.pendingTiles;
      this.pendingTiles = [];
      await this.insertTiles(tiles);
    }
  }

  /**
   * Tiles are computed, never trusted: a row already stored at the same coordinates (a partial tile whose
   * width did not change, or one planted ahead of the log) must hold exactly the computed hashes.
   */
  private async insertTiles(tiles: readonly Tile[]): Promise<void> {
    for (let i = 0; i < tiles.length; i += 200) {
      const batch = tiles.slice(i, i + 200);
      const inserted = await this.trx
        .insertInto('tiles')
        .values(
          batch.map((t) => ({ level: t.level, idx: t.index, width: t.width, hashes: asBuffer(t.hashes) })),
        )
        .onConflict((oc) => oc.columns(['level', 'idx', 'width']).doNothing())
        .returning(['level', 'idx', 'width'])
        .execute();
      if (inserted.length === batch.length) continue;
      const fresh = new Set(inserted.map((r) => `${r.level}/${r.idx}/${r.width}`));
      for (const t of batch) {
        if (fresh.has(`${t.level}/${t.index}/${t.width}`)) continue;
        const stored = await readTile(this.trx, t.level, t.index, t.width);
        if (!stored || !bytesEqual(stored, t.hashes))
          throw new StoreIntrusionError([
            `the stored ${tilePath(t.level, t.index, t.width)} differs from the tile computed from the entries`,
          ]);
      }
    }
  }

  /** Writes everything pending, including the partial tiles at the new right edge. */
  async finish(): Promise<void> {
    await this.flush();
    if (this.finishedAt === this.size) return;
    await this.insertTiles(this.builder.partialTiles());
    this.finishedAt = this.size;
  }

  root(): Uint8Array {
    return this.builder.root();
  }

  /** Finishes the append and signs a checkpoint of the new size; the signer must be the log's key. */
  async checkpoint(signer: Signer, now: string): Promise<{ checkpoint: Checkpoint; note: string }> {
    await this.finish();
    await proveOwnTail(this.trx, this.signedEnd, { size: this.size, importIds: this.importIds });
    const vkey = verifierKeyText(signer);
    const bound = await this.trx.selectFrom('log_key').selectAll().executeTakeFirst();
    if (!bound) await this.trx.insertInto('log_key').values({ id: 1, origin: signer.name, vkey }).execute();
    else if (bound.vkey !== vkey)
      throw new WrongKeyError(
        `this log is signed by ${vkeyLabel(bound.vkey)}; the key given is ${vkeyLabel(vkey)}`,
      );
    const checkpoint: Checkpoint = {
      origin: signer.name,
      size: this.size,
      root: this.root(),
      extensions: [],
    };
    const note = signCheckpoint(checkpoint, signer);
    const last = await this.trx
      .selectFrom('checkpoints')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    await this.trx
      .insertInto('checkpoints')
      .values({
        id: Number(last?.max ?? 0) + 1,
        size: checkpoint.size,
        root: asBuffer(checkpoint.root),
        note,
        created_at: now,
      })
      .execute();
    return { checkpoint, note };
  }
}

export class WrongKeyError extends Error {}

/** A CVR whose (jurisdiction, id) the log already holds — earlier in this append or in the store. */
export class DuplicateCvrError extends Error {
  constructor(
    readonly seq: number,
    readonly jurisdiction: string,
    readonly cvrId: string,
  ) {
    super(`CVR id ${cvrId} of ${jurisdiction} is already in the log`);
  }
}

const UNIQUE_VIOLATION = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY', '23505']);
const isUniqueViolation = (e: unknown) => UNIQUE_VIOLATION.has((e as { code?: string }).code ?? '');

/** PostgreSQL names the clashing key in the error's detail: `Key (jurisdiction, cvr_id)=(j, id) already exists.` */
function postgresInserter(trx: Transaction<Schema>) {
  return async (rows: EntryTable[]) => {
    try {
      await trx.insertInto('entries').values(rows).execute();
    } catch (e) {
      const key = /\(jurisdiction, cvr_id\)=\((.*)\) already exists/.exec(
        (e as { detail?: string }).detail ?? '',
      );
      if (!isUniqueViolation(e) || !key) throw e;
      const clash = [...rows].reverse().find((r) => `${r.jurisdiction}, ${r.cvr_id}` === key[1]);
      if (!clash) throw e;
      throw new DuplicateCvrError(clash.seq, clash.jurisdiction!, clash.cvr_id!);
    }
  };
}

/** The partial tiles at the right edge of a tree of `size` leaves, as stored. */
async function readRightEdge(trx: Transaction<Schema>, size: number): Promise<Tile[]> {
  const partials: Tile[] = [];
  for (const t of tilesForSize(size).filter((c) => c.width < TILE_WIDTH)) {
    const hashes = await readTile(trx, t.level, t.index, t.width);
    if (!hashes)
      throw new StoreIntrusionError([
        `the store is missing ${tilePath(t.level, t.index, t.width)} for log size ${size}`,
      ]);
    partials.push({ ...t, hashes });
  }
  return partials;
}

export async function readTile(
  db: Kysely<Schema>,
  level: number,
  index: number,
  width: number,
): Promise<Uint8Array | null> {
  const row = await db
    .selectFrom('tiles')
    .select('hashes')
    .where('level', '=', level)
    .where('idx', '=', index)
    .where('width', '=', width)
    .executeTakeFirst();
  return row?.hashes ?? null;
}

/**
 * SQLite: one prepared statement per row on the connection Kysely's transaction holds (better-sqlite3 is
 * synchronous and single-connection, so the rows join that transaction). Measured ~3× faster than
 * compiling multi-row inserts through Kysely on the import hot path.
 */
function sqliteInserter(sqlite: NonNullable<OpenDatabase['sqlite']>) {
  const insert = sqlite.prepare(
    'INSERT INTO entries (seq, kind, jurisdiction, cvr_id, import_id, body) VALUES (?, ?, ?, ?, ?, ?)',
  );
  return async (rows: EntryTable[]) => {
    if (!sqlite.inTransaction) throw new Error('entries must be appended inside a transaction');
    for (const r of rows)
      try {
        insert.run(r.seq, r.kind, r.jurisdiction, r.cvr_id, r.import_id, r.body);
      } catch (e) {
        if (isUniqueViolation(e) && r.cvr_id !== null && r.jurisdiction !== null)
          throw new DuplicateCvrError(r.seq, r.jurisdiction, r.cvr_id);
        throw e;
      }
  };
}
