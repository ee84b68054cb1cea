import { readdirSync, readFileSync } from 'node:fs'
import {
  generateDrizzleJson,
  generateMigration,
  generateSQLiteDrizzleJson,
  generateSQLiteMigration,
} from 'drizzle-kit/api'
import { describe, expect, it } from 'vitest'
import * as pg from '../schema.pg.ts'
import * as sqlite from '../schema.sqlite.ts'
import { TABLES } from './tables.ts'

/** The newest snapshot drizzle-kit wrote for a dialect: what the committed migrations build. */
function lastSnapshot(dialect: 'sqlite' | 'pg') {
  const dir = new URL(`../../../drizzle/${dialect}/meta/`, import.meta.url)
  const last = readdirSync(dir)
    .filter((f) => f.endsWith('_snapshot.json'))
    .sort()
    .at(-1)!
  return JSON.parse(readFileSync(new URL(last, dir), 'utf8'))
}

// The proof that one description builds both schemas unchanged: against the committed migrations, neither
// dialect needs a new one (what `drizzle-kit generate` reports as "No schema changes").
describe('the schema built from schema/tables.ts', () => {
  it('exports every described table under its name, in both dialects', () => {
    expect(Object.keys(sqlite).sort()).toEqual(Object.keys(TABLES).sort())
    expect(Object.keys(pg).sort()).toEqual(Object.keys(TABLES).sort())
  })

  it('SQLite: matches the committed migrations', async () => {
    const prev = lastSnapshot('sqlite')
    const cur = await generateSQLiteDrizzleJson(sqlite, prev.id)
    expect(await generateSQLiteMigration(prev, cur)).toEqual([])
  })

  it('PostgreSQL: matches the committed migrations', async () => {
    const prev = lastSnapshot('pg')
    const cur = generateDrizzleJson(pg, prev.id)
    expect(await generateMigration(prev, cur)).toEqual([])
  })

  it('a changed column would show as a migration', async () => {
    const { sqliteTables } = await import('./sqlite.ts')
    const { table, text } = await import('./columns.ts')
    const prev = lastSnapshot('sqlite')
    const changed = sqliteTables({
      ...TABLES,
      workspaces: table('workspaces', { ...TABLES.workspaces.columns, note: text('note') }),
    })
    const cur = await generateSQLiteDrizzleJson(changed, prev.id)
    expect(await generateSQLiteMigration(prev, cur)).toEqual(['ALTER TABLE `workspaces` ADD `note` text;'])
  })
})
