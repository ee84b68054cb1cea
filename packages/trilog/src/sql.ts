/**
 * SQL kept to what both chDB (current ClickHouse) and ClickHouse 18.16 accept: no query parameters
 * (added in 19.x), UInt64 millisecond timestamps, attributes as JSON strings parsed in JS (JSONExtract* is
 * 19.x), classic `ENGINE = MergeTree ORDER BY` with no `TTL` (19.6): retention is an `ALTER TABLE … DELETE`.
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
export const SNAPSHOTS_TABLE = 'trilog_snapshots'
export const SPANS_TABLE = 'trilog_spans'
export const LOGS_TABLE = 'trilog_logs'
export const METRICS_TABLE = 'trilog_metrics'
export const MIGRATIONS_TABLE = 'trilog_migrations'

/** Tables that retention trims, with their timestamp column. */
export const RETAINED_TABLES: readonly { table: string; column: string }[] = [
  { table: EVENTS_TABLE, column: 'ts' },
  { table: SNAPSHOTS_TABLE, column: 'ts' },
  { table: SPANS_TABLE, column: 'start_ts' },
  { table: LOGS_TABLE, column: 'ts' },
  { table: METRICS_TABLE, column: 'ts' },
]

export interface Migration {
  version: number
  name: string
  sql: string
}

export const MIGRATIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
    version UInt32,
    name String,
    applied_at UInt64
  ) ENGINE = MergeTree ORDER BY version`

/** Append only: a released migration never changes; a new shape is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    // IF NOT EXISTS: data directories from before versioned migrations already hold this table.
    sql: `CREATE TABLE IF NOT EXISTS ${EVENTS_TABLE} (
    obj_type String,
    obj_id String,
    ts UInt64,
    seq UInt64,
    kind String,
    trace_id String,
    attrs String
  ) ENGINE = MergeTree ORDER BY (obj_type, obj_id, ts, seq)`,
  },
  {
    version: 2,
    name: 'snapshots',
    sql: `CREATE TABLE IF NOT EXISTS ${SNAPSHOTS_TABLE} (
    obj_type String,
    obj_id String,
    ts UInt64,
    seq UInt64,
    changes UInt64,
    state String
  ) ENGINE = MergeTree ORDER BY (obj_type, obj_id, ts, seq)`,
  },
  {
    version: 3,
    name: 'spans',
    sql: `CREATE TABLE IF NOT EXISTS ${SPANS_TABLE} (
    trace_id String,
    span_id String,
    parent_span_id String,
    name String,
    kind UInt8,
    start_ts UInt64,
    end_ts UInt64,
    duration_us UInt64,
    status_code UInt8,
    status_message String,
    service String,
    scope String,
    obj_type String,
    obj_id String,
    attrs String,
    events String,
    links String,
    resource String
  ) ENGINE = MergeTree ORDER BY (trace_id, start_ts, span_id)`,
  },
  {
    version: 4,
    name: 'logs',
    sql: `CREATE TABLE IF NOT EXISTS ${LOGS_TABLE} (
    ts UInt64,
    observed_ts UInt64,
    trace_id String,
    span_id String,
    severity_number UInt8,
    severity_text String,
    event_name String,
    body String,
    service String,
    scope String,
    attrs String,
    resource String
  ) ENGINE = MergeTree ORDER BY (service, ts)`,
  },
  {
    version: 5,
    name: 'metrics',
    sql: `CREATE TABLE IF NOT EXISTS ${METRICS_TABLE} (
    name String,
    type String,
    unit String,
    ts UInt64,
    start_ts UInt64,
    service String,
    scope String,
    point String,
    attrs String,
    resource String
  ) ENGINE = MergeTree ORDER BY (name, ts)`,
  },
]
