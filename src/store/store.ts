/** The store: one interface over SQLite and PostgreSQL. Reads here; appends go through LedgerWriter. */
import { sql } from 'kysely';
import type { AuditRecord } from '../core/audit/records.js';
import { decodeEntry } from '../core/entries.js';
import type { MerkleHasher } from '../core/log/merkle.js';
import { nodeMerkleHasher } from '../platform/node-sha256.js';
import {
  type Db,
  type Dialect,
  type ImportCountsTable,
  type ImportTable,
  type OpenDatabase,
  openDatabase,
  type StoreLocation,
} from './database.js';
import { LedgerWriter, readTile } from './ledger-writer.js';
import { appendOnlyTriggerNames, LEDGER_TABLES, migrate } from './migrations.js';

export interface StoredElection {
  readonly sha256: string;
  readonly bytes: Uint8Array;
  readonly loadedAt: string;
}

export interface StoredCheckpoint {
  readonly id: number;
  readonly size: number;
  readonly note: string;
  readonly createdAt: string;
}

export class Store {
  private constructor(
    readonly db: Db,
    readonly dialect: Dialect,
    readonly hasher: MerkleHasher,
    private readonly sqlite?: OpenDatabase['sqlite'],
  ) {}

  static async open(where: StoreLocation, hasher: MerkleHasher = nodeMerkleHasher): Promise<Store> {
    const { db, dialect, sqlite } = openDatabase(where);
    try {
      await migrate(db as never, dialect);
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return new Store(db, dialect, hasher, sqlite);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /** Runs fn in one transaction with a writer positioned at the end of the log; all or nothing. */
  async append<T>(fn: (writer: LedgerWriter) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const writer = await LedgerWriter.open(trx, this.dialect, this.hasher, this.sqlite);
      const out = await fn(writer);
      await writer.finish();
      return out;
    });
  }

  async election(): Promise<StoredElection | null> {
    const row = await this.db.selectFrom('election').selectAll().executeTakeFirst();
    return row ? { sha256: row.sha256, bytes: row.definition, loadedAt: row.loaded_at } : null;
  }

  async logKey(): Promise<{ origin: string; vkey: string } | null> {
    return (await this.db.selectFrom('log_key').select(['origin', 'vkey']).executeTakeFirst()) ?? null;
  }

  async logSize(): Promise<number> {
    const row = await this.db
      .selectFrom('entries')
      .select((eb) => eb.fn.max('seq').as('max'))
      .executeTakeFirst();
    return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
  }

  async cvrCount(): Promise<number> {
    const row = await this.db
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('kind', '=', 'cvr')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async checkpoints(): Promise<StoredCheckpoint[]> {
    const rows = await this.db
      .selectFrom('checkpoints')
      .select(['id', 'size', 'note', 'created_at'])
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ id: r.id, size: Number(r.size), note: r.note, createdAt: r.created_at }));
  }

  async importBySha(sha256: string): Promise<ImportTable | null> {
    return (
      (await this.db
        .selectFrom('imports')
        .selectAll()
        .where('file_sha256', '=', sha256)
        .executeTakeFirst()) ?? null
    );
  }

  async imports(): Promise<ImportTable[]> {
    return this.db.selectFrom('imports').selectAll().orderBy('id').execute();
  }

  /** The counts each import logged the SHA-256 of, by import id (imports made before counts were kept have none). */
  async importCounts(): Promise<Map<number, ImportCountsTable>> {
    const rows = await this.db.selectFrom('import_counts').selectAll().execute();
    return new Map(rows.map((r) => [r.import_id, r]));
  }

  /** Entries [from, to) in log order, in pages, as stored (body and lookup columns). */
  async *entries(from: number, to: number, page = 5000) {
    for (let at = from; at < to; at += page) {
      const rows = await this.db
        .selectFrom('entries')
        .selectAll()
        .where('seq', '>=', at)
        .where('seq', '<', Math.min(to, at + page))
        .orderBy('seq')
        .execute();
      yield rows.map((r) => ({ ...r, seq: Number(r.seq) }));
    }
  }

  /** The audit records of the log, in order, each with its entry number. */
  async auditRecords(): Promise<{ seq: number; record: AuditRecord }[]> {
    const rows = await this.db
      .selectFrom('entries')
      .select(['seq', 'body'])
      .where('kind', '=', 'audit')
      .orderBy('seq')
      .execute();
    return rows.map((r) => {
      const decoded = decodeEntry(r.body);
      if (!decoded.ok || decoded.value.kind !== 'audit')
        throw new Error(`entry ${r.seq} is stored as an audit record but is not one`);
      return { seq: Number(r.seq), record: decoded.value.record };
    });
  }

  /** Every CVR's jurisdiction, id and entry, in log order, in pages. */
  async *cvrKeys(page = 50_000): AsyncGenerator<{ seq: number; jurisdiction: string; id: string }[]> {
    for (let after = -1; ; ) {
      const rows = await this.db
        .selectFrom('entries')
        .select(['seq', 'jurisdiction', 'cvr_id'])
        .where('kind', '=', 'cvr')
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(page)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => ({ seq: Number(r.seq), jurisdiction: r.jurisdiction ?? '', id: r.cvr_id ?? '' }));
      after = Number(rows[rows.length - 1]!.seq);
    }
  }

  async entryBody(seq: number): Promise<Uint8Array | null> {
    const row = await this.db.selectFrom('entries').select('body').where('seq', '=', seq).executeTakeFirst();
    return row?.body ?? null;
  }

  /** The bodies of the given entries, by seq (absent ones left out), read a thousand to a query. */
  async entryBodies(seqs: readonly number[]): Promise<Map<number, Uint8Array>> {
    const out = new Map<number, Uint8Array>();
    const wanted = [...new Set(seqs)].sort((a, b) => a - b);
    for (let i = 0; i < wanted.length; i += 1000) {
      const rows = await this.db
        .selectFrom('entries')
        .select(['seq', 'body'])
        .where('seq', 'in', wanted.slice(i, i + 1000))
        .execute();
      for (const r of rows) out.set(Number(r.seq), r.body);
    }
    return out;
  }

  async entryCount(): Promise<number> {
    const row = await this.db
      .selectFrom('entries')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  tile(level: number, index: number, width: number): Promise<Uint8Array | null> {
    return readTile(this.db, level, index, width);
  }

  /** The widest stored version of a tile (partial tiles grow; full tiles have width 256). */
  async widestTile(level: number, index: number): Promise<Uint8Array | null> {
    const row = await this.db
      .selectFrom('tiles')
      .select('hashes')
      .where('level', '=', level)
      .where('idx', '=', index)
      .orderBy('width', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.hashes ?? null;
  }

  async *tiles() {
    let after = { level: -1, idx: -1, width: -1 };
    for (;;) {
      const rows = await this.db
        .selectFrom('tiles')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('level', '>', after.level),
            eb.and([eb('level', '=', after.level), eb('idx', '>', after.idx)]),
            eb.and([eb('level', '=', after.level), eb('idx', '=', after.idx), eb('width', '>', after.width)]),
          ]),
        )
        .orderBy('level')
        .orderBy('idx')
        .orderBy('width')
        .limit(2000)
        .execute();
      if (rows.length === 0) return;
      for (const r of rows) yield { level: r.level, index: Number(r.idx), width: r.width, hashes: r.hashes };
      const last = rows[rows.length - 1]!;
      after = { level: last.level, idx: Number(last.idx), width: last.width };
    }
  }

  async findCvr(
    id: string,
    jurisdiction?: string,
  ): Promise<{ seq: number; body: Uint8Array; jurisdiction: string }[]> {
    // The index is (jurisdiction, cvr_id): without a jurisdiction, each one imported is looked up in it,
    // where `cvr_id` alone would scan every entry of the log. A CVR's row carries its import's jurisdiction.
    const jurisdictions = jurisdiction
      ? [jurisdiction]
      : (await this.db.selectFrom('imports').select('jurisdiction').distinct().execute()).map(
          (r) => r.jurisdiction,
        );
    if (jurisdictions.length === 0) return [];
    const rows = await this.db
      .selectFrom('entries')
      .select(['seq', 'body', 'jurisdiction'])
      .where('kind', '=', 'cvr')
      .where('jurisdiction', 'in', jurisdictions)
      .where('cvr_id', '=', id)
      .execute();
    return rows.map((r) => ({ seq: Number(r.seq), body: r.body, jurisdiction: r.jurisdiction ?? '' }));
  }

  /** Names of the append-only guards missing from the database (empty when all are in place). */
  async missingAppendOnlyGuards(): Promise<string[]> {
    const want = LEDGER_TABLES.flatMap(appendOnlyTriggerNames);
    const rows =
      this.dialect === 'sqlite'
        ? await sql<{ name: string }>`select name from sqlite_master where type = 'trigger'`.execute(this.db)
        : await sql<{ name: string }>`select tgname as name from pg_trigger where not tgisinternal`.execute(
            this.db,
          );
    const have = new Set(rows.rows.map((r) => r.name));
    return want.filter((n) => !have.has(n));
  }
}
