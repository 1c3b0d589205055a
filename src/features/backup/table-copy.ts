// Copying a site's tables row by row from one database to a PostgreSQL one (`wenyuan migrate`): which tables, in
// which order (parents before the rows that reference them), keyed by their primary keys so a batch can be upserted
// again without duplicating anything, and the sequences set past the copied ids afterwards.
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.ts';

// biome-ignore lint/suspicious/noExplicitAny: tables are named at run time (every table of the schema, one loop).
type AnyDb = Kysely<any>;

/**
 * Tables that are not the site's content: Kysely's bookkeeping (the target is migrated by the same code), the
 * PostgreSQL search index (rebuilt from the documents: the SQLite one is FTS5 and cannot be copied), collectors'
 * transient claims, and the migration's own progress.
 */
const NOT_COPIED = new Set(['kysely_migration', 'kysely_migration_lock', 'search_docs', 'blob_claims']);

/** One table to copy: its columns present on both sides and its primary key. */
export interface TablePlan {
  readonly name: string;
  readonly columns: readonly string[];
  readonly key: readonly string[];
  /** The column a sequence fills on PostgreSQL (`id`), if any. */
  readonly serial: string | undefined;
}

/** Where one table's copy stands: the last key copied (resume after it) and how many rows. */
export interface TableProgress {
  after: unknown[] | null;
  rows: number;
  done: boolean;
}

const ident = (name: string) => sql.ref(name);

/** The tables of the target (PostgreSQL) in foreign-key order, with the columns the source also has. */
export async function planTables(source: Database, target: Database, skip: ReadonlySet<string>): Promise<TablePlan[]> {
  if (target.dialect !== 'postgres') throw new Error('the target of a migration is PostgreSQL');
  const t = target.db as AnyDb;
  const tables = (
    await sql<{ name: string }>`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = current_schema() and c.relkind = 'r' order by 1`.execute(t)
  ).rows
    .map((r) => r.name)
    .filter((n) => !NOT_COPIED.has(n) && !skip.has(n));
  const keys = (
    await sql<{ table: string; column: string; pos: number }>`select c.relname as table, a.attname as column,
        array_position(k.conkey, a.attnum) as pos
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_attribute a on a.attrelid = c.oid and a.attnum = any(k.conkey)
      where k.contype = 'p' and n.nspname = current_schema()`.execute(t)
  ).rows;
  const refs = (
    await sql<{ table: string; parent: string }>`select c.relname as table, p.relname as parent
      from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid
      join pg_namespace n on n.oid = c.relnamespace
      where k.contype = 'f' and n.nspname = current_schema()`.execute(t)
  ).rows;
  const targetColumns = (
    await sql<{ table: string; column: string; serial: boolean }>`select table_name as table, column_name as column,
        (column_default like 'nextval(%' or is_identity = 'YES') as serial
      from information_schema.columns where table_schema = current_schema() order by ordinal_position`.execute(t)
  ).rows;

  const plans: TablePlan[] = [];
  for (const name of tables) {
    const have = new Set(await sourceColumns(source, name));
    if (!have.size) throw new Error(`the source database has no table ${name}: migrate it with the same code first`);
    const cols = targetColumns.filter((c) => c.table === name);
    const key = keys
      .filter((k) => k.table === name)
      .sort((a, b) => a.pos - b.pos)
      .map((k) => k.column);
    if (!key.length) throw new Error(`table ${name} has no primary key: it cannot be copied resumably`);
    plans.push({
      name,
      columns: cols.map((c) => c.column).filter((c) => have.has(c)),
      key,
      serial: cols.find((c) => c.serial)?.column,
    });
  }
  return orderByReferences(plans, refs);
}

/** Parents first (a table after every table it references; a self-reference is ordered by key within the copy). */
function orderByReferences(plans: TablePlan[], refs: readonly { table: string; parent: string }[]): TablePlan[] {
  const byName = new Map(plans.map((p) => [p.name, p]));
  const out: TablePlan[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string) => {
    if (state.get(name) === 'done' || !byName.has(name)) return;
    if (state.get(name) === 'visiting') throw new Error(`foreign keys form a cycle through ${name}`);
    state.set(name, 'visiting');
    for (const r of refs) if (r.table === name && r.parent !== name) visit(r.parent);
    state.set(name, 'done');
    out.push(byName.get(name)!);
  };
  for (const p of plans) visit(p.name);
  return out;
}

/** The column names of a table in the source database (empty when it has no such table). */
async function sourceColumns(source: Database, table: string): Promise<string[]> {
  if (source.dialect === 'sqlite') {
    const r = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(source.db);
    return r.rows.map((c) => c.name);
  }
  const r = await sql<{ name: string }>`select column_name as name from information_schema.columns
    where table_schema = current_schema() and table_name = ${table}`.execute(source.db);
  return r.rows.map((c) => c.name);
}

/** Rows of `plan` after key `after` (keyset order), at most `limit`. */
export async function readBatch(
  source: Database,
  plan: TablePlan,
  after: readonly unknown[] | null,
  limit: number,
): Promise<Record<string, unknown>[]> {
  const cols = sql.join(plan.columns.map(ident));
  const keyCols = sql.join(plan.key.map(ident));
  const where = after ? sql`where (${keyCols}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
  const r = await sql<Record<string, unknown>>`select ${cols} from ${sql.table(plan.name)} ${where}
    order by ${keyCols} limit ${limit}`.execute(source.db);
  return r.rows;
}

/**
 * Upserts `rows` into the target by primary key (a batch copied again after an interruption overwrites itself
 * instead of duplicating) and, in the same transaction, records the progress, so a resumed run starts after it.
 */
export async function writeBatch(
  target: Database,
  plan: TablePlan,
  rows: readonly Record<string, unknown>[],
  saveProgress: (trx: AnyDb) => Promise<void>,
): Promise<void> {
  const update = plan.columns.filter((c) => !plan.key.includes(c));
  await (target.db as AnyDb).transaction().execute(async (trx) => {
    if (rows.length) {
      await trx
        .insertInto(plan.name)
        .values(rows as Record<string, unknown>[])
        .onConflict((oc) => {
          const on = oc.columns(plan.key as string[]);
          return update.length
            ? on.doUpdateSet(Object.fromEntries(update.map((c) => [c, sql.ref(`excluded.${c}`)])))
            : on.doNothing();
        })
        .execute();
    }
    await saveProgress(trx);
  });
}

/** Rows per batch: PostgreSQL takes at most 65 535 parameters per statement. */
export const batchSize = (plan: TablePlan, wanted: number) =>
  Math.max(1, Math.min(wanted, Math.floor(60_000 / Math.max(1, plan.columns.length))));

/** Moves each copied table's sequence past its largest id (the next insert on the target must not collide). */
export async function resetSequences(target: Database, plans: readonly TablePlan[]): Promise<void> {
  for (const p of plans) {
    if (!p.serial) continue;
    await sql`select setval(pg_get_serial_sequence(${p.name}, ${p.serial}),
        coalesce((select max(${ident(p.serial)}) from ${sql.table(p.name)}), 0) + 1, false)`.execute(target.db);
  }
}

/** Row count of a table (either side), optionally leaving out the rows where `column` equals `value`. */
export async function countRows(
  database: Database,
  table: string,
  except?: { column: string; value: string },
): Promise<number> {
  const where = except ? sql`where ${ident(except.column)} <> ${except.value}` : sql``;
  const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} ${where}`.execute(database.db);
  return Number(r.rows[0]?.n ?? 0);
}
