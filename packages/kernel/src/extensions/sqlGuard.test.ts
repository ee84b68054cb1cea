import { describe, expect, it } from 'vitest'
import { checkStatementText, leadingKeyword } from './sqlGuard.ts'

describe('leadingKeyword', () => {
  it('skips whitespace and comments the way each dialect reads them', () => {
    expect(leadingKeyword('  -- note\n /* more */ select 1', 'sqlite')).toBe('SELECT')
    // SQLite ends a block comment at the first */; PostgreSQL nests them.
    expect(leadingKeyword('/* /* */ attach x -- */ select 1', 'sqlite')).toBe('ATTACH')
    expect(leadingKeyword('/* /* */ select 1 */ set role x', 'postgresql')).toBe('SET')
    expect(leadingKeyword('/* never closed select 1', 'sqlite')).toBe('')
    expect(leadingKeyword('(select 1)', 'postgresql')).toBe('')
  })
})

describe('checkStatementText', () => {
  const message = (sql: string, readonly: boolean, dialect: 'sqlite' | 'postgresql') => {
    try {
      checkStatementText('src', sql, readonly, dialect)
      return 'allowed'
    } catch (error) {
      return (error as Error).message
    }
  }

  it('names what was refused and what is allowed', () => {
    expect(message("attach 'x' as k", false, 'sqlite')).toMatchInlineSnapshot(
      `"STATEMENT_REFUSED: ATTACH on SQL source "src"; a handler may only send one SELECT/WITH/VALUES/INSERT/UPDATE/DELETE/REPLACE statement over the source's own tables"`,
    )
    expect(message('delete from t', true, 'postgresql')).toMatchInlineSnapshot(
      `"STATEMENT_REFUSED: DELETE (a write) on SQL source "src" (read-only); a handler may only send one SELECT/WITH/VALUES/TABLE statement over the source's own tables"`,
    )
    expect(message('select * from Pragma_Database_List', false, 'sqlite')).toContain('"Pragma_"')
    expect(message(`select U&"set\\005fconfig"('a', 'b', false)`, false, 'postgresql')).toContain('"U&"')
    expect(message('select * from t where a = $1', true, 'postgresql')).toBe('allowed')
    // Whole names only: columns that merely contain one are fine.
    expect(message('select events_status, my_pragma_x, reset_config from t', false, 'postgresql')).toBe('allowed')
    expect(message('select my_pragma_x, load_extensions from t', false, 'sqlite')).toBe('allowed')
    expect(message('select "ts_stat"(\'select 1\')', false, 'postgresql')).toContain('"ts_stat"')
    expect(message("select main.pragma_table_info('t')", false, 'sqlite')).toContain('"pragma_"')
  })
})
