import { resolve } from 'node:path'

export interface KernelConfig {
  host: string
  port: number
  dataDir: string
  /** Directory of the built studio, served at `/`; absent when not built. */
  studioDir?: string
  /** ClickHouse server for TriLog; embedded chDB under the data dir when absent. */
  clickhouseUrl?: string
  /** PostgreSQL connection string; SQLite under the data dir when absent. */
  databaseUrl?: string
  /** Signs access tokens; generated and kept under the data dir when absent. */
  jwtSecret?: string
  /** `closed` stops self-registration once the owner exists. */
  registration?: 'open' | 'closed'
  /** `nexus.http`: hosts allowed (`*`: every public host), and whether private addresses are reachable. */
  httpAllow?: string[]
  httpAllowPrivate?: boolean
  /** `nexus.sql` data sources, `name=sqlite:/path.db,other=postgres://…`; `?mode=ro` makes one read-only. */
  sqlSources?: string
  /**
   * How long `close()` lets clients, running handlers and TriLog writes finish before cutting them short
   * (ms, default {@link DEFAULT_SHUTDOWN_TIMEOUT_MS}).
   */
  shutdownTimeoutMs?: number
}

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000

/**
 * Reads `PORT`, `HOST`, `NEXUS_DATA_DIR`, `DATABASE_URL`, `CLICKHOUSE_URL`, `JWT_SECRET`,
 * `NEXUS_REGISTRATION` and `NEXUS_SHUTDOWN_TIMEOUT_MS` with local defaults.
 */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): KernelConfig {
  const port = env.PORT === undefined ? 4400 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer between 0 and 65535, got "${env.PORT}"`)
  }
  return {
    host: env.HOST ?? '127.0.0.1',
    port,
    dataDir: resolve(env.NEXUS_DATA_DIR ?? './data'),
    clickhouseUrl: env.CLICKHOUSE_URL || undefined,
    databaseUrl: env.DATABASE_URL || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    registration: env.NEXUS_REGISTRATION === 'closed' ? 'closed' : 'open',
    httpAllow: (env.NEXUS_HTTP_ALLOW ?? '*')
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean),
    httpAllowPrivate: env.NEXUS_HTTP_ALLOW_PRIVATE === '1' || env.NEXUS_HTTP_ALLOW_PRIVATE === 'true',
    sqlSources: env.NEXUS_SQL_SOURCES || undefined,
    shutdownTimeoutMs: shutdownTimeout(env.NEXUS_SHUTDOWN_TIMEOUT_MS),
  }
}

function shutdownTimeout(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_SHUTDOWN_TIMEOUT_MS
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new Error(
      `NEXUS_SHUTDOWN_TIMEOUT_MS must be a positive whole number of milliseconds (default ${DEFAULT_SHUTDOWN_TIMEOUT_MS}), got "${value}"`,
    )
  }
  return ms
}
