import { describe, it } from 'vitest'
import { TrilogStore } from '../src/index.ts'
import { findClickhouseServer, startClickhouseServer, type ClickhouseServer } from './support/clickhouseServer.ts'
import { SUITE_OPTIONS, trilogSuite } from './suite/index.ts'

const binary = findClickhouseServer()

if (binary) {
  let server: ClickhouseServer | undefined
  trilogSuite(
    'clickhouse-server (Debian 18.16)',
    async () => {
      server = await startClickhouseServer(binary)
      return TrilogStore.open({ ...SUITE_OPTIONS, url: server.url })
    },
    async () => server?.stop(),
  )
} else if (process.env.CI) {
  describe('TriLog on clickhouse-server', () => {
    it('needs clickhouse-server installed in CI', () => {
      throw new Error('clickhouse-server is not installed; CI must install Debian package clickhouse-server')
    })
  })
} else {
  console.warn(
    '[trilog] clickhouse-server not found: skipping the ClickHouse 18.16 suite (apt install clickhouse-server)',
  )
  // Skipped because no clickhouse-server binary is installed on this machine, so the ClickHouse 18.16 suite
  // has nothing to run against. Only outside CI: with CI set, a missing server fails this file instead (above).
  describe.skip('TriLog on clickhouse-server (not installed)', () => {
    it('runs the shared suite', () => undefined)
  })
}
