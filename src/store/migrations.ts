/** One set of migrations for both backends; ledger tables refuse UPDATE and DELETE in the database itself. */
import { type Kysely, type Migration, type RawBuilder, sql } from 'kysely';
import type { Dialect } from './database.js';

const INITIAL_LEDGER_TABLES = ['election', 'entries', 'imports', 'tiles', 'checkpoints', 'log_key'] as const;
/** Tables that are append-only: the software never rewrites them and the database refuses to. */
export const LEDGER_TABLES = [...INITIAL_LEDGER_TABLES, 'import_counts'] as const;

export const appendOnlyTriggerNames = (table: string): string[] => [
  `${table}_no_update`,
  `${table}_no_delete`,
];

/** The log's entries table and its lookup index; `fill` runs between the two (a rebuild copies rows in). */
async function createEntries(
  db: Kysely<unknown>,
  dialect: Dialect,
  kinds: RawBuilder<unknown>,
  fill?: () => Promise<void>,
): Promise<void> {
  await db.schema
    .createTable('entries')
    .addColumn('seq', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(kinds))
    .addColumn('jurisdiction', 'text')
    .addColumn('cvr_id', 'text')
    .addColumn('import_id', 'integer')
    .addColumn('body', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
    .execute();
  await fill?.();
  await db.schema
    .createIndex('entries_cvr')
    .on('entries')
    .columns(['jurisdiction', 'cvr_id'])
    .unique()
    .execute();
}

function initial(dialect: Dialect): Migration {
  const binary = dialect === 'postgres' ? 'bytea' : 'blob';
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('election')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('definition', binary, (c) => c.notNull())
        .addColumn('loaded_at', 'text', (c) => c.notNull())
        .execute();
      await createEntries(db, dialect, sql`kind in ('cvr', 'event')`);
      await db.schema
        .createTable('imports')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('jurisdiction', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('file_sha256', 'text', (c) => c.notNull().unique())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('cvr_count', big, (c) => c.notNull())
        .addColumn('first_seq', big, (c) => c.notNull())
        .addColumn('imported_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('tiles')
        .addColumn('level', 'integer', (c) => c.notNull())
        .addColumn('idx', big, (c) => c.notNull())
        .addColumn('width', 'integer', (c) => c.notNull().check(sql`width between 1 and 256`))
        .addColumn('hashes', binary, (c) => c.notNull())
        .addPrimaryKeyConstraint('tiles_pk', ['level', 'idx', 'width'])
        .execute();
      await db.schema
        .createTable('checkpoints')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('size', big, (c) => c.notNull())
        .addColumn('root', binary, (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('log_key')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('origin', 'text', (c) => c.notNull())
        .addColumn('vkey', 'text', (c) => c.notNull())
        .execute();
      for (const table of INITIAL_LEDGER_TABLES) await createAppendOnlyGuards(db, dialect, table);
    },
  };
}

export async function createAppendOnlyGuards(
  db: Kysely<unknown>,
  dialect: Dialect,
  table: string,
): Promise<void> {
  const [noUpdate, noDelete] = appendOnlyTriggerNames(table) as [string, string];
  if (dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER ${noUpdate} BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
    await sql
      .raw(
        `CREATE TRIGGER ${noDelete} BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`,
      )
      .execute(db);
    return;
  }
  await sql
    .raw(`CREATE OR REPLACE FUNCTION tallyproof_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$`)
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${noUpdate} BEFORE UPDATE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION tallyproof_append_only()`,
    )
    .execute(db);
  await sql
    .raw(
      `CREATE TRIGGER ${noDelete} BEFORE DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION tallyproof_append_only()`,
    )
    .execute(db);
}

/**
 * SQLite cannot alter a CHECK constraint, so its entries table is rebuilt: rows copied in order, its
 * append-only guards and index made again.
 */
async function rebuildSqliteEntries(db: Kysely<unknown>, kinds: RawBuilder<unknown>): Promise<void> {
  for (const trigger of appendOnlyTriggerNames('entries'))
    await sql.raw(`DROP TRIGGER IF EXISTS ${trigger}`).execute(db);
  await sql`ALTER TABLE entries RENAME TO entries_old`.execute(db);
  await sql`DROP INDEX IF EXISTS entries_cvr`.execute(db);
  await createEntries(db, 'sqlite', kinds, async () => {
    await sql`INSERT INTO entries SELECT seq, kind, jurisdiction, cvr_id, import_id, body FROM entries_old ORDER BY seq`.execute(
      db,
    );
    await sql`DROP TABLE entries_old`.execute(db);
  });
  await createAppendOnlyGuards(db, 'sqlite', 'entries');
}

/** Audit records join the log (`kind = 'audit'`). */
function auditEntries(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite') return rebuildSqliteEntries(db, sql`kind in ('cvr', 'event', 'audit')`);
      await sql`ALTER TABLE entries DROP CONSTRAINT IF EXISTS entries_kind_check`.execute(db);
      await sql`ALTER TABLE entries ADD CONSTRAINT entries_kind_check CHECK (kind in ('cvr', 'event', 'audit'))`.execute(
        db,
      );
    },
  };
}

/**
 * The same kinds, checked with `=` instead of `IN (…)`: SQLite evaluates a CHECK's IN list per inserted
 * row at about 2 µs (measured), a third of an entry's insert on the import hot path. PostgreSQL is unchanged.
 */
function cheaperKindCheck(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect === 'sqlite')
        await rebuildSqliteEntries(db, sql`kind = 'cvr' or kind = 'event' or kind = 'audit'`);
    },
  };
}

/**
 * Each import's counts (canonical JSON), whose SHA-256 its logged import event carries: `tally` adds these
 * up instead of recounting every CVR. Imports made before this table have none and are recounted.
 */
function importCounts(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('import_counts')
        .addColumn('import_id', 'integer', (c) => c.primaryKey())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('body', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
        .execute();
      await createAppendOnlyGuards(db, dialect, 'import_counts');
    },
  };
}

const migrations = (dialect: Dialect): [string, Migration][] => [
  ['0001_initial', initial(dialect)],
  ['0002_audit_entries', auditEntries(dialect)],
  ['0003_import_counts', importCounts(dialect)],
  ['0004_cheaper_kind_check', cheaperKindCheck(dialect)],
];

/** Kysely's table of applied migrations, kept so stores migrated by Kysely's Migrator read the same. */
const APPLIED = 'kysely_migration';
/** Any fixed number: the PostgreSQL advisory lock that serialises two first commands on one database. */
const MIGRATION_LOCK = 720_413_001;

async function appliedMigrations(db: Kysely<unknown>, dialect: Dialect): Promise<Set<string> | undefined> {
  const exists =
    dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`SELECT 1 AS n FROM sqlite_master WHERE type = 'table' AND name = ${APPLIED}`.execute(db)
      : await sql<{ n: number }>`SELECT 1 AS n WHERE to_regclass(${APPLIED}) IS NOT NULL`.execute(db);
  if (exists.rows.length === 0) return undefined;
  const rows = await sql<{ name: string }>`SELECT name FROM ${sql.table(APPLIED)}`.execute(db);
  return new Set(rows.rows.map((r) => r.name));
}

/**
 * Brings the schema up to date in one transaction, so a kill part-way leaves the store as it was and the next
 * command migrates it again. (Kysely's Migrator runs SQLite migrations outside a transaction, since it treats
 * SQLite DDL as non-transactional; it is transactional, and a first command killed after `election` was created
 * left a store that could never open again.) An up-to-date store is only read: no write lock, so a read-only
 * role can open it and an import in progress does not hold other commands up.
 */
export async function migrate(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const all = migrations(dialect);
  const pending = (applied: Set<string> | undefined) => all.filter(([name]) => !applied?.has(name));
  if (pending(await appliedMigrations(db, dialect)).length === 0) return;
  await db.connection().execute(async (conn) => {
    // SQLite: take the write lock at BEGIN, so two first commands queue (busy_timeout) instead of one failing.
    await sql.raw(dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN').execute(conn);
    try {
      if (dialect === 'postgres') await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(conn);
      await conn.schema
        .createTable(APPLIED)
        .ifNotExists()
        .addColumn('name', 'varchar(255)', (c) => c.notNull().primaryKey())
        .addColumn('timestamp', 'varchar(255)', (c) => c.notNull())
        .execute();
      // Read again under the lock: another command may have migrated the store meanwhile.
      for (const [name, migration] of pending(await appliedMigrations(conn, dialect))) {
        await migration.up(conn);
        await sql`INSERT INTO ${sql.table(APPLIED)} (name, timestamp) VALUES (${name}, ${new Date().toISOString()})`.execute(
          conn,
        );
      }
      await sql`COMMIT`.execute(conn);
    } catch (e) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw e;
    }
  });
}
