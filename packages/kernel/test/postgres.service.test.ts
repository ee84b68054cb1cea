import { afterAll, describe, it } from 'vitest'
import { startTestKernel } from './helpers.ts'
import { startPostgres } from './postgres.ts'
import { accessSuite } from './suites/accessSuite.ts'
import { concurrencySuite } from './suites/concurrencySuite.ts'
import { httpSuite } from './suites/httpSuite.ts'
import { panelEditSuite } from './suites/panelEditSuite.ts'
import { wsSuite } from './suites/wsSuite.ts'

// The kernel suites again, on PostgreSQL (DATABASE_URL) instead of SQLite.
const postgres = await startPostgres()
afterAll(() => postgres?.stop())

if (postgres) {
  let n = 0
  const open = async () => startTestKernel({ databaseUrl: await postgres.createDatabase(`nexus_test_${++n}`) })
  httpSuite(open)
  wsSuite(open)
  concurrencySuite(open)
  accessSuite(open)
  panelEditSuite(open)
} else {
  describe('kernel on PostgreSQL', () => {
    it.skip('needs PostgreSQL from Debian packages (apt-get install -y postgresql)', () => undefined)
  })
}
