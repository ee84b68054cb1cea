import { createHash } from 'node:crypto'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { Json, JsonObject } from '@nexus/protocol'
import { ExtensionError, type Extension } from './Extension.ts'

/** A data source handlers may query: `name=sqlite:/path/app.db` or `name=postgres://…` (`NEXUS_SQL_SOURCES`). */
export interface SqlSource {
  name: string
  url: string
}

const MAX_ROWS = 1000

/** Parses `NEXUS_SQL_SOURCES`: `sales=postgres://…, local=sqlite:/data/app.db`. */
export function parseSqlSources(text: string | undefined): SqlSource[] {
  if (!text?.trim()) return []
  return text.split(',').map((part) => {
    const eq = part.indexOf('=')
    const name = part.slice(0, eq).trim()
    const url = part.slice(eq + 1).trim()
    if (eq < 1 || !/^[a-z][a-z0-9_]*$/i.test(name) || !/^(sqlite:|postgres(ql)?:\/\/)/.test(url)) {
      throw new Error(
        `NEXUS_SQL_SOURCES entry "${part.trim()}" must look like name=sqlite:/path.db or name=postgres://…`,
      )
    }
    return { name, url }
  })
}

interface Connection {
  query(text: string, params: Json[]): Promise<{ rows: JsonObject[]; rowCount: number }>
  close(): Promise<void>
}

function open(source: SqlSource): Connection {
  if (source.url.startsWith('sqlite:')) {
    const db = new Database(source.url.slice('sqlite:'.length), { fileMustExist: true })
    return {
      async query(text, params) {
        const statement = db.prepare(text) // refuses more than one statement
        if (!statement.reader) {
          const info = statement.run(...(params as unknown[]))
          return { rows: [], rowCount: info.changes }
        }
        const rows = statement.all(...(params as unknown[])) as JsonObject[]
        return { rows, rowCount: rows.length }
      },
      async close() {
        db.close()
      },
    }
  }
  const pool = new pg.Pool({ connectionString: source.url, max: 4, query_timeout: 10_000 })
  return {
    async query(text, params) {
      // A named statement uses the extended protocol, which refuses more than one statement.
      const name = 'nx_' + createHash('sha1').update(text).digest('hex').slice(0, 24)
      const result = await pool.query({ name, text, values: params as unknown[] })
      return { rows: result.rows as JsonObject[], rowCount: result.rowCount ?? result.rows.length }
    },
    async close() {
      await pool.end()
    },
  }
}

/**
 * `nexus.sql`: parameterised queries against configured data sources — how data panels and generated CRUD
 * panels reach real databases. One statement per call, values only through `params`, at most 1,000 rows.
 */
export function sqlExtension(sources: readonly SqlSource[]): Extension {
  const connections = new Map<string, Connection>()
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
      for (const s of sources) connections.set(s.name, open(s))
    },
    async stop() {
      for (const c of connections.values()) await c.close()
      connections.clear()
    },
    async health() {
      for (const [name, c] of connections) {
        await c.query('select 1', []).catch((error: unknown) => {
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
        const { rows, rowCount } = await connection.query(text, params)
        return { rows: rows.slice(0, MAX_ROWS), rowCount, truncated: rows.length > MAX_ROWS }
      } catch (error) {
        throw new ExtensionError('QUERY_FAILED', (error as Error).message)
      }
    },
  }
}
