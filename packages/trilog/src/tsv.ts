import type { EventRow, LogRow, MetricRow, SnapshotRow, SpanRow } from './events.ts'

/**
 * Rows as `TabSeparated` text, the insert format both chDB and ClickHouse 18.16 parse fastest: strings
 * escaped (`\\`, tab, newline, CR, NUL), integers as digits, one row per line in the column order below.
 */
export type Columns<R> = readonly [keyof R & string, ...(keyof R & string)[]]

export const EVENT_COLUMNS: Columns<EventRow> = ['obj_type', 'obj_id', 'ts', 'seq', 'kind', 'trace_id', 'attrs']
export const SNAPSHOT_COLUMNS: Columns<SnapshotRow> = ['obj_type', 'obj_id', 'ts', 'seq', 'changes', 'state']
export const SPAN_COLUMNS: Columns<SpanRow> = [
  'trace_id',
  'span_id',
  'parent_span_id',
  'name',
  'kind',
  'start_ts',
  'end_ts',
  'duration_us',
  'status_code',
  'status_message',
  'service',
  'scope',
  'obj_type',
  'obj_id',
  'attrs',
  'events',
  'links',
  'resource',
]
export const LOG_COLUMNS: Columns<LogRow> = [
  'ts',
  'observed_ts',
  'trace_id',
  'span_id',
  'severity_number',
  'severity_text',
  'event_name',
  'body',
  'service',
  'scope',
  'attrs',
  'resource',
]
export const METRIC_COLUMNS: Columns<MetricRow> = [
  'name',
  'type',
  'unit',
  'ts',
  'start_ts',
  'service',
  'scope',
  'point',
  'attrs',
  'resource',
]

const SPECIAL = /[\\\t\n\r\0]/
const SPECIALS = /[\\\t\n\r\0]/g
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' }
const escapeChar = (c: string) => ESCAPES[c]!

/** One field: a string escaped for TabSeparated, a number as an integer (refusing anything else). */
export function tsvField(value: unknown): string {
  if (typeof value === 'string') return SPECIAL.test(value) ? value.replace(SPECIALS, escapeChar) : value
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value)
  throw new RangeError(`expected a string or a non-negative integer, got ${String(value)}`)
}

/** Rows as TabSeparated lines (each ending in a newline) in `columns` order. */
export function toTsv<R extends object>(rows: readonly R[], columns: Columns<R>): string {
  const lines: string[] = new Array<string>(rows.length + 1)
  const fields: string[] = new Array<string>(columns.length)
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!
    for (let c = 0; c < columns.length; c++) fields[c] = tsvField(row[columns[c]!])
    lines[r] = fields.join('\t')
  }
  lines[rows.length] = ''
  return lines.join('\n')
}
