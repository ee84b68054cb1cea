import type { Json } from '@nexus/protocol'
import { ExtensionError, type Extension } from './Extension.ts'
import { openPostgresSource } from './postgresSource.ts'
import { openSqliteSource } from './sqliteSource.ts'
import type { SqlConnection, SqlSource } from './sqlSource.ts'

export { parseSqlSources, type SqlSource } from './sqlSource.ts'

const MAX_ROWS = 1000

/** What the extension must know of the kernel to keep sources away from its own data. */
export interface SqlKernelData {
  dataDir: string
  databaseUrl?: string
}

function open(source: SqlSource, kernel: SqlKernelData): SqlConnection {
  return source.url.startsWith('sqlite:')
    ? openSqliteSource(source, source.url.slice('sqlite:'.length), kernel.dataDir)
    : openPostgresSource(source, kernel.databaseUrl)
}

/**
 * `nexus.sql`: parameterised queries against configured data sources — how data panels and generated CRUD
 * panels reach real databases. One statement per call, values only through `params`, at most 1,000 rows; a
 * statement that could reach outside its source (ATTACH, PRAGMA, DDL, SET, COPY…) is refused with
 * STATEMENT_REFUSED, and a source inside the kernel's data is refused at start.
 */
export function sqlExtension(sources: readonly SqlSource[], kernel: SqlKernelData): Extension {
  const connections = new Map<string, SqlConnection>()
  const stop = async () => {
    for (const c of connections.values()) await c.close()
    connections.clear()
  }
  return {
    manifest: {
      name: 'nexus.sql',
      version: '1.0.0',
      description: `Parameterised SQL against configured sources (${sources.map((s) => s.name).join(', ') || 'none configured'})`,
      methods: {
        query: { description: 'query(source, sql, params?) → { rows, rowCount, truncated }' },
        sources: { description: 'sources() → [name]' },
      },
    },
    async start() {
      try {
        for (const s of sources) connections.set(s.name, open(s, kernel))
        await Promise.all([...connections.values()].map((c) => c.ready()))
      } catch (error) {
        await stop() // the sources already open (a SQLite source's process) do not outlive a failed start
        throw error
      }
    },
    stop,
    async health() {
      for (const [name, c] of connections) {
        await c.query('select 1', [], 1).catch((error: unknown) => {
          throw new Error(`${name}: ${(error as Error).message}`)
        })
      }
      return { ok: true, detail: `${connections.size} source(s)` }
    },
    async call(method, args) {
      if (method === 'sources') return [...connections.keys()]
      const [source, text, params = []] = args
      const connection = typeof source === 'string' ? connections.get(source) : undefined
      if (!connection) {
        throw new ExtensionError(
          'NO_SUCH_SOURCE',
          `No SQL source "${String(source)}"; configured: ${[...connections.keys()].join(', ') || 'none'}`,
        )
      }
      if (typeof text !== 'string' || text.length > 20_000)
        throw new ExtensionError('BAD_ARGUMENT', 'sql must be a string under 20,000 characters')
      if (!Array.isArray(params) || params.some((p) => p !== null && typeof p === 'object')) {
        throw new ExtensionError('BAD_ARGUMENT', 'params must be an array of strings, numbers, booleans or null')
      }
      try {
        const { rows, rowCount } = await connection.query(text, params as Json[], MAX_ROWS)
        return { rows: rows.slice(0, MAX_ROWS), rowCount, truncated: rows.length > MAX_ROWS }
      } catch (error) {
        if (error instanceof ExtensionError) throw error
        throw new ExtensionError('QUERY_FAILED', (error as Error).message)
      }
    },
  }
}
