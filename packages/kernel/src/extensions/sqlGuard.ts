import { ExtensionError } from './Extension.ts'

/** Which SQL grammar a statement is read in: comments nest in PostgreSQL and not in SQLite. */
export type SqlDialect = 'sqlite' | 'postgresql'

const READ = ['SELECT', 'WITH', 'VALUES']
const WRITE = ['INSERT', 'UPDATE', 'DELETE']
/** The statements a handler may send: data in and out of the source's tables, nothing about the connection. */
const ALLOWED: Record<SqlDialect, { read: string[]; write: string[] }> = {
  sqlite: { read: READ, write: [...WRITE, 'REPLACE'] },
  postgresql: { read: [...READ, 'TABLE'], write: [...WRITE, 'MERGE'] },
}

/**
 * A pattern for `names` (whole words) and `prefixes` as they would appear in SQL text: not preceded by a
 * letter, `_` or `$` (which would make them part of a longer identifier).
 */
function denied(names: string[], prefixes: string[], extra = ''): RegExp {
  const word = `(?<![a-z_$])(?:${names.join('|')})(?![a-z0-9_$])`
  const prefix = `(?<![a-z_$])(?:${prefixes.join('|')})`
  return new RegExp([word, prefix, extra].filter(Boolean).join('|'), 'i')
}

/**
 * Names refused wherever they appear in the text, even inside a literal (an identifier can only be spelt
 * out, so a plain search cannot be dodged): SQLite's `pragma_*` table functions (one of them reports the
 * files open, some have side effects) and the functions that reach outside the source; PostgreSQL's
 * server-file, session and run-this-text functions (a limited role is still the real boundary there), and
 * `U&"…"` escapes, which could spell those names another way.
 */
const DENIED: Record<SqlDialect, RegExp> = {
  sqlite: denied(['load_extension', 'sqlite_attach', 'sqlite_detach', 'fts3_tokenizer', 'sqlite_dbpage'], ['pragma_']),
  postgresql: denied(
    [
      'set_config',
      'pg_stat_file',
      'lo_import',
      'lo_export',
      'ts_stat',
      'ts_rewrite',
      'pg_terminate_backend',
      'pg_cancel_backend',
      'pg_reload_conf',
      'pg_promote',
    ],
    ['pg_read_', 'pg_ls_', 'pg_file_', 'pg_advisory', 'dblink', 'query_to_xml'],
    `(?<![a-z_$])u&\\s*["']`,
  ),
}

/** The statement's first keyword, after whitespace and comments; '' when there is none. */
export function leadingKeyword(sql: string, dialect: SqlDialect): string {
  let i = 0
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++
    if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i)
      i = end < 0 ? sql.length : end + 1
    } else if (sql.startsWith('/*', i)) {
      i = commentEnd(sql, i, dialect)
    } else {
      return /^[a-z]+/i.exec(sql.slice(i, i + 16))?.[0].toUpperCase() ?? ''
    }
  }
}

/** Where the block comment opening at `start` ends (SQLite stops at the first `*\/`; PostgreSQL nests). */
function commentEnd(sql: string, start: number, dialect: SqlDialect): number {
  let depth = 0
  let i = start
  while (i < sql.length) {
    if (sql.startsWith('/*', i) && (dialect === 'postgresql' || depth === 0)) {
      depth++
      i += 2
    } else if (sql.startsWith('*/', i)) {
      i += 2
      if (--depth === 0) return i
    } else i++
  }
  return sql.length
}

/** A refusal the handler sees, naming what was refused, why, and what is allowed. */
export function refused(source: string, what: string, readonly: boolean, dialect: SqlDialect): ExtensionError {
  const allowed = readonly ? ALLOWED[dialect].read : [...ALLOWED[dialect].read, ...ALLOWED[dialect].write]
  return new ExtensionError(
    'STATEMENT_REFUSED',
    `STATEMENT_REFUSED: ${what} on SQL source "${source}"${readonly ? ' (read-only)' : ''}; ` +
      `a handler may only send one ${allowed.join('/')} statement over the source's own tables`,
  )
}

/**
 * Throws STATEMENT_REFUSED unless `sql` starts with a statement the source allows (no ATTACH, PRAGMA,
 * VACUUM, SET, COPY, DDL, transaction control…) and names nothing from the denied list.
 */
export function checkStatementText(source: string, sql: string, readonly: boolean, dialect: SqlDialect): void {
  const keyword = leadingKeyword(sql, dialect)
  const { read, write } = ALLOWED[dialect]
  if (!read.includes(keyword) && (readonly || !write.includes(keyword))) {
    const what = write.includes(keyword) ? `${keyword} (a write)` : keyword ? keyword : 'a statement with no keyword'
    throw refused(source, what, readonly, dialect)
  }
  const denied = DENIED[dialect].exec(sql)
  if (denied) throw refused(source, `"${denied[0]}"`, readonly, dialect)
}

/** One row of SQLite's `EXPLAIN`: an instruction of the compiled program. */
export interface VdbeOp {
  opcode: string
  p1: number
  p3: number
  p4: unknown
}

/** Instructions that change the schema, the file or the connection: none belongs in a DML statement. */
const OUTSIDE_OPCODES = new Set([
  'AutoCommit',
  'Savepoint',
  'Vacuum',
  'ParseSchema',
  'CreateBtree',
  'Destroy',
  'DropTable',
  'DropIndex',
  'DropTrigger',
  'JournalMode',
  'VCreate',
  'VDestroy',
  'Expire',
  'SqlExec',
  'LoadAnalysis',
  'IntegrityCk',
  'Checkpoint',
  'SetCookie',
  'ReadCookie',
])
const OUTSIDE_FUNCTIONS = /^(sqlite_attach|sqlite_detach|load_extension|fts3_tokenizer)\(/i

/**
 * Why a compiled SQLite program reaches outside the source's main database, or undefined when it does not:
 * the second look, at what SQLite will actually run rather than at the text.
 */
export function outsideReach(program: readonly VdbeOp[]): string | undefined {
  for (const op of program) {
    if (OUTSIDE_OPCODES.has(op.opcode)) return `an operation of kind ${op.opcode}`
    if ((op.opcode === 'Function' || op.opcode === 'PureFunc') && OUTSIDE_FUNCTIONS.test(String(op.p4)))
      return `the function ${String(op.p4)}`
    // Database 0 is the source itself; 1 is the connection's temp schema, 2+ attached files.
    if (op.opcode === 'Transaction' && op.p1 !== 0) return 'a database other than the source'
    if (/^(OpenRead|OpenWrite|ReopenIdx)$/.test(op.opcode) && op.p3 !== 0) return 'a database other than the source'
  }
  return undefined
}
