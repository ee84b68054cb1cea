import { startPostgres } from './postgres.ts'

/**
 * For `npm run test:services`: one private PostgreSQL cluster for the run; every kernel started by
 * `startTestKernel` then gets a fresh database on it instead of SQLite.
 */
export default async function setup(): Promise<(() => void) | undefined> {
  const postgres = await startPostgres()
  if (!postgres) return undefined
  process.env.NEXUS_TEST_POSTGRES = postgres.adminUrl
  return () => postgres.stop()
}
