// The operator's dashboard: activity per China day over the last 30 days. Each series is one grouped query over an
// indexed timestamp (day number = (ms + 8 h) / 1 day, integer division on both dialects), so the cost follows the
// number of rows in the window, not the size of the library.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';

const DAY = 86_400_000;
const CHINA = 8 * 3600_000;
export const DASHBOARD_DAYS = 30;

/** The series the dashboard charts, each with one value per day (oldest first). */
export const SERIES = [
  'uploads',
  'publications',
  'conversions',
  'rejections',
  'purchases',
  'revenue',
  'reports',
] as const;
export type Series = (typeof SERIES)[number];

/** One day of the dashboard. */
export interface DayPoint {
  /** China date, 2026-11-30. */
  readonly day: string;
  readonly values: Record<Series, number>;
}

const dayNumber = (ms: number) => Math.floor((ms + CHINA) / DAY);
const dayLabel = (n: number) => new Date(n * DAY).toISOString().slice(0, 10);

/** Counts (or sums) rows per China day of `column` since `since`. */
async function perDay(
  db: Kysely<DB>,
  table: 'documents' | 'purchases' | 'reports',
  column: string,
  since: number,
  opts: { sum?: string; where?: ReturnType<typeof sql> } = {},
): Promise<Map<number, number>> {
  const value = opts.sum ? sql<number>`coalesce(sum(${sql.ref(opts.sum)}), 0)` : sql<number>`count(*)`;
  // Constants as literals and GROUP BY by position: bound parameters would make the grouped expression differ
  // from the selected one on PostgreSQL.
  const day = sql<number>`(${sql.ref(column)} + ${sql.lit(CHINA)}) / ${sql.lit(DAY)}`;
  const rows = await sql<{ day: number; value: number }>`
    select ${day} as day, ${value} as value from ${sql.table(table)}
    where ${sql.ref(column)} >= ${since} ${opts.where ? sql`and ${opts.where}` : sql``}
    group by 1`.execute(db);
  return new Map(rows.rows.map((r) => [Number(r.day), Number(r.value)]));
}

/** The last DASHBOARD_DAYS China days of activity, plus totals for the window. */
export async function getDashboard(deps: Pick<Deps, 'database'>, now = Date.now()) {
  const { db } = deps.database;
  const today = dayNumber(now);
  const first = today - DASHBOARD_DAYS + 1;
  const since = first * DAY - CHINA;
  const [uploads, publications, conversions, rejections, purchases, revenue, reports] = await Promise.all([
    perDay(db, 'documents', 'created_at', since),
    perDay(db, 'documents', 'published_at', since),
    perDay(db, 'documents', 'extracted_at', since),
    perDay(db, 'documents', 'updated_at', since, { where: sql`status = 'rejected'` }),
    perDay(db, 'purchases', 'created_at', since),
    perDay(db, 'purchases', 'created_at', since, { sum: 'price' }),
    perDay(db, 'reports', 'created_at', since),
  ]);
  const maps: Record<Series, Map<number, number>> = {
    uploads,
    publications,
    conversions,
    rejections,
    purchases,
    revenue,
    reports,
  };
  const days: DayPoint[] = [];
  for (let d = first; d <= today; d++) {
    const values = Object.fromEntries(SERIES.map((s) => [s, maps[s].get(d) ?? 0])) as Record<Series, number>;
    days.push({ day: dayLabel(d), values });
  }
  const totals = Object.fromEntries(SERIES.map((s) => [s, days.reduce((sum, p) => sum + p.values[s], 0)])) as Record<
    Series,
    number
  >;
  return { days, totals };
}
