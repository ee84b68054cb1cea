import type { ClickHouseClient } from '@clickhouse/client'
import { MIGRATIONS, MIGRATIONS_TABLE, MIGRATIONS_TABLE_SQL, uint, quote, type Migration } from './sql.ts'

/** Applies every migration whose version is not yet recorded in `trilog_migrations`; returns the versions applied. */
export async function migrate(
  client: ClickHouseClient,
  migrations: readonly Migration[] = MIGRATIONS,
  now: number = Date.now(),
): Promise<number[]> {
  await client.command({ query: MIGRATIONS_TABLE_SQL })
  const applied = new Set((await appliedVersions(client)).map((v) => v))
  const done: number[] = []
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue
    await client.command({ query: migration.sql })
    await client.command({
      query: `INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (${uint(migration.version)}, ${quote(migration.name)}, ${uint(now)})`,
    })
    done.push(migration.version)
  }
  return done
}

/** The versions recorded as applied, ascending. */
export async function appliedVersions(client: ClickHouseClient): Promise<number[]> {
  const result = await client.query({
    query: `SELECT DISTINCT version FROM ${MIGRATIONS_TABLE} ORDER BY version`,
    format: 'JSONEachRow',
  })
  return (await result.json<{ version: number | string }>()).map((r) => Number(r.version))
}
