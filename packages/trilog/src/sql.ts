/**
 * SQL kept to what both chDB (current ClickHouse) and ClickHouse 18.16 accept: no query parameters
 * (added in 19.x), UInt64 millisecond timestamps, attributes as JSON strings, classic MergeTree syntax.
 */

/** Quotes a string as a ClickHouse string literal. */
export function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}

/** Renders a non-negative integer for SQL, refusing anything else. */
export function uint(value: number): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`expected a non-negative integer, got ${value}`)
  return String(value)
}

export const EVENTS_TABLE = 'trilog_events'

export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
    obj_type String,
    obj_id String,
    ts UInt64,
    seq UInt64,
    kind String,
    trace_id String,
    attrs String
  ) ENGINE = MergeTree ORDER BY (obj_type, obj_id, ts, seq)`,
]
