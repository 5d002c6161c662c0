/** Open the store: SQLite (embedded default, one file) or PostgreSQL, behind one Kysely schema. */
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
} from 'kysely';
import pg from 'pg';
import type { EntryKind } from '../core/entries.js';

export type Dialect = 'sqlite' | 'postgres';

export interface ElectionTable {
  id: number;
  sha256: string;
  definition: Uint8Array;
  loaded_at: string;
}
export interface EntryTable {
  /** 0-based leaf index in the Merkle log. */
  seq: number;
  kind: EntryKind;
  jurisdiction: string | null;
  cvr_id: string | null;
  import_id: number | null;
  body: Uint8Array;
}
export interface ImportTable {
  id: number;
  jurisdiction: string;
  file_name: string;
  file_sha256: string;
  format: string;
  cvr_count: number;
  first_seq: number;
  imported_at: string;
}
export interface ImportCountsTable {
  import_id: number;
  sha256: string;
  body: Uint8Array;
}
export interface TileTable {
  level: number;
  idx: number;
  width: number;
  hashes: Uint8Array;
}
export interface CheckpointTable {
  id: number;
  size: number;
  root: Uint8Array;
  note: string;
  created_at: string;
}
export interface LogKeyTable {
  id: number;
  origin: string;
  vkey: string;
}

export interface Schema {
  election: ElectionTable;
  entries: EntryTable;
  imports: ImportTable;
  import_counts: ImportCountsTable;
  tiles: TileTable;
  checkpoints: CheckpointTable;
  log_key: LogKeyTable;
}

export type Db = Kysely<Schema>;

export interface StoreLocation {
  /** SQLite file path (the default backend). */
  readonly sqlitePath?: string;
  /** postgres://… (the server backend). */
  readonly databaseUrl?: string;
  /** Told once when a write has to wait for another command that is writing to the same SQLite store. */
  readonly onWriterWait?: () => void;
}

/** How long a SQLite write waits for another writer before it gives up (an import can take minutes). */
const WRITER_WAIT_MS = 60 * 60 * 1000;
const READ_BUSY_MS = 10_000;

/**
 * Every SQLite transaction here writes to the log, so it takes the write lock when it begins (BEGIN
 * IMMEDIATE): what it reads inside (the log's size, the last checkpoint, an audit's state) cannot change
 * under it, and a second writer queues behind the first instead of failing `database is locked` part-way.
 */
class WriterSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: Database.Database,
    private readonly onWriterWait?: () => void,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    const { sqlite, onWriterWait } = this;
    return new (class extends SqliteDriver {
      override async beginTransaction(connection: DatabaseConnection): Promise<void> {
        const begin = () => connection.executeQuery(CompiledQuery.raw('begin immediate'));
        sqlite.pragma('busy_timeout = 0');
        try {
          await begin();
        } catch (e) {
          if ((e as { code?: string }).code !== 'SQLITE_BUSY') throw e;
          onWriterWait?.();
          sqlite.pragma(`busy_timeout = ${WRITER_WAIT_MS}`);
          await begin();
        } finally {
          sqlite.pragma(`busy_timeout = ${READ_BUSY_MS}`);
        }
      }
    })({ database: sqlite });
  }
}

// int8 (OID 20) as number: every count and index here is far below 2^53.
pg.types.setTypeParser(20, (v: string) => Number(v));

export interface OpenDatabase {
  readonly db: Db;
  readonly dialect: Dialect;
  /** The SQLite connection under Kysely, for the one bulk-insert hot path (same connection, same transaction). */
  readonly sqlite?: Database.Database;
}

export function openDatabase(where: StoreLocation): OpenDatabase {
  if (where.databaseUrl) {
    const pool = new pg.Pool({ connectionString: where.databaseUrl, max: 4 });
    return { db: new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) }), dialect: 'postgres' };
  }
  if (!where.sqlitePath) throw new Error('no database given: pass --db PATH or --database-url URL');
  const sqlite = new Database(where.sqlitePath);
  // Large pages and cache for a log of large appends: measured on 1M 450-byte entries, the insert and the
  // commit's WAL copy take about half the time of 4 KiB pages. page_size applies to a new database only.
  sqlite.pragma('page_size = 65536');
  sqlite.pragma('cache_size = -262144');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma(`busy_timeout = ${READ_BUSY_MS}`);
  sqlite.pragma('foreign_keys = ON');
  return {
    db: new Kysely<Schema>({ dialect: new WriterSqliteDialect(sqlite, where.onWriterWait) }),
    dialect: 'sqlite',
    sqlite,
  };
}
