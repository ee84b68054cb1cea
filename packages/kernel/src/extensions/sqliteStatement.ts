import type Database from 'better-sqlite3'
import type { ExtensionErrorCode, JsonObject } from '@nexus/protocol'
import { ExtensionError } from './Extension.ts'
import { outsideReach, refused, type VdbeOp } from './sqlGuard.ts'

/** What the kernel asks of a SQLite source's process: one statement, already past the text check. */
export interface StatementRequest {
  id: number
  text: string
  params: unknown[]
  maxRows: number
}

/** Its answer: the rows kept and how many there were, or a coded failure. */
export type StatementReply =
  | { id: number; ok: true; rows: JsonObject[]; rowCount: number }
  | { id: number; ok: false; code: ExtensionErrorCode; message: string }

/** The most result data one statement may hand back; past it the call fails rather than ship it. */
export const MAX_RESULT_BYTES = 8 * 1024 * 1024

/**
 * Runs one statement on a source: refused when its compiled program (`EXPLAIN`) reaches outside the
 * source or, on a read-only source, when SQLite does not call it read-only. Rows past `maxRows + 1` are
 * counted, not kept.
 */
export function runStatement(
  db: Database.Database,
  source: { name: string; readonly: boolean },
  request: StatementRequest,
): { rows: JsonObject[]; rowCount: number } {
  const statement = db.prepare(request.text) // refuses more than one statement
  const program = db.prepare(`EXPLAIN ${request.text}`).all(...request.params) as VdbeOp[]
  const reach = outsideReach(program)
  if (reach) throw refused(source.name, reach, source.readonly, 'sqlite')
  if (source.readonly && !statement.readonly) throw refused(source.name, 'a write', true, 'sqlite')
  if (!statement.reader) return { rows: [], rowCount: statement.run(...request.params).changes }
  const rows: JsonObject[] = []
  let rowCount = 0
  let bytes = 0
  for (const row of statement.iterate(...request.params) as IterableIterator<JsonObject>) {
    if (++rowCount > request.maxRows + 1) continue
    for (const [column, value] of Object.entries(row)) {
      bytes += size(value)
      // A BLOB answers as JSON does with a Buffer, `{type: 'Buffer', data}`, not as a typed array's clone.
      if (Buffer.isBuffer(value)) row[column] = value.toJSON() as unknown as JsonObject
    }
    rows.push(row)
    if (bytes > MAX_RESULT_BYTES) {
      throw new ExtensionError(
        'RESULT_TOO_LARGE',
        `RESULT_TOO_LARGE: the result from SQL source "${source.name}" passed ${MAX_RESULT_BYTES / 1024 / 1024} MB; ` +
          'select fewer rows or smaller columns',
      )
    }
  }
  return { rows, rowCount }
}

function size(value: unknown): number {
  if (typeof value === 'string') return value.length * 2
  if (Buffer.isBuffer(value)) return value.length
  return 8
}
