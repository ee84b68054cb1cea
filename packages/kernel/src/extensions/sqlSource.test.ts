import { describe, expect, it } from 'vitest'
import { parseSqlSources } from './sqlSource.ts'

describe('parseSqlSources', () => {
  it('reads ?mode=ro on either kind and keeps it out of the address', () => {
    expect(
      parseSqlSources('a=sqlite:/x.db?mode=ro, b=postgres://u:pw@h/db?sslmode=require&mode=ro, c=sqlite:/y.db'),
    ).toEqual([
      { name: 'a', url: 'sqlite:/x.db', readonly: true },
      { name: 'b', url: 'postgres://u:pw@h/db?sslmode=require', readonly: true },
      { name: 'c', url: 'sqlite:/y.db', readonly: false },
    ])
  })

  it('refuses file: URIs and unknown modes, without echoing credentials', () => {
    expect(() => parseSqlSources('k=sqlite:file:/data/nexus.db?mode=rw')).toThrow(/not a file: URI/)
    expect(() => parseSqlSources('k=postgres://u:secret@h/db?mode=rx')).toThrow(
      'NEXUS_SQL_SOURCES entry "k=postgres://…@h/db?mode=rx" must look like',
    )
  })
})
