import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { openDatabase } from '../src/db/openDatabase.ts'
import { startPostgres } from './postgres.ts'
import { nogSuite } from './suites/nogSuite.ts'

// The NOG suite again, on PostgreSQL. Without PostgreSQL it is skipped with a note (and fails in CI).
const postgres = await startPostgres()
afterAll(() => postgres?.stop())

if (postgres) {
  let n = 0
  nogSuite(async () =>
    openDatabase({
      dataDir: mkdtempSync(join(tmpdir(), 'nexus-nog-')),
      databaseUrl: await postgres.createDatabase(`nexus_nog_${++n}`),
    }),
  )
} else {
  describe('NOG on PostgreSQL', () => {
    // Skipped because PostgreSQL is not installed on this machine (startPostgres() returned undefined).
    // CI never takes this branch: there startPostgres() throws instead, so a missing PostgreSQL fails CI.
    it.skip('needs PostgreSQL from Debian packages (apt-get install -y postgresql)', () => undefined)
  })
}
