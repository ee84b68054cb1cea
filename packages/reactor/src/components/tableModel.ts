import type { Value } from '../expr/values.ts'
import { asList, displayText, field } from './display.ts'

export interface TableColumn {
  key: string
  label: string
}

export interface SortState {
  key: string
  direction: 'ascending' | 'descending'
}

/** Columns from `columns` (comma text or `{key, label}` list), else the first row's keys. */
export function tableColumns(columns: Value, rows: readonly Value[]): TableColumn[] {
  const given = asList(columns)
  if (given.length > 0)
    return given.map((c) => {
      const key = field(c, 'key')
      if (key === undefined) return { key: displayText(c), label: displayText(c) }
      const label = field(c, 'label')
      return { key: displayText(key), label: displayText(label ?? key) }
    })
  const first = rows[0]
  if (first === null || typeof first !== 'object' || Array.isArray(first)) return [{ key: '', label: 'Value' }]
  return Object.keys(first).map((k) => ({ key: k, label: k }))
}

export function cellValue(row: Value, key: string): Value {
  return key === '' ? row : field(row, key)
}

/** Rows whose cells (in the shown columns) contain `filter`, case-insensitively. */
export function filterRows(rows: readonly Value[], columns: readonly TableColumn[], filter: string): Value[] {
  const needle = filter.trim().toLowerCase()
  if (needle === '') return rows as Value[]
  return rows.filter((row) => columns.some((c) => displayText(cellValue(row, c.key)).toLowerCase().includes(needle)))
}

/** A stable sort: numbers numerically, everything else as text; empty cells last. */
export function sortRows(rows: readonly Value[], sort: SortState | undefined): Value[] {
  if (!sort) return rows as Value[]
  const sign = sort.direction === 'ascending' ? 1 : -1
  const decorated = rows.map((row, i) => ({ row, i, v: cellValue(row, sort.key) }))
  decorated.sort((a, b) => {
    const ea = a.v === undefined || a.v === null || a.v === ''
    const eb = b.v === undefined || b.v === null || b.v === ''
    if (ea || eb) return ea === eb ? a.i - b.i : ea ? 1 : -1
    const c =
      typeof a.v === 'number' && typeof b.v === 'number'
        ? a.v - b.v
        : displayText(a.v).localeCompare(displayText(b.v), undefined, { numeric: true })
    return c === 0 ? a.i - b.i : c * sign
  })
  return decorated.map((d) => d.row)
}
