import type { Json, JsonObject } from '@nexus/protocol'

/**
 * A data source handlers may query: `name=sqlite:/path/app.db` or `name=postgres://…` (`NEXUS_SQL_SOURCES`);
 * `?mode=ro` on either makes it read-only.
 */
export interface SqlSource {
  name: string
  /** The database's address, without the `mode` parameter. */
  url: string
  readonly: boolean
}

/**
 * An open source: runs one checked statement. SQLite keeps at most `maxRows + 1` rows in memory (and
 * counts the rest); PostgreSQL's driver reads the whole result, bounded by the statement timeout.
 */
export interface SqlConnection {
  /** Resolves once the source can take a call without start-up cost (a SQLite source's process is up). */
  ready(): Promise<void>
  query(text: string, params: Json[], maxRows: number): Promise<{ rows: JsonObject[]; rowCount: number }>
  close(): Promise<void>
}

/** An entry as error messages show it: without the credentials of a connection string. */
function shown(part: string): string {
  return part.trim().replace(/\/\/[^/@]*@/, '//…@')
}

const ENTRY = 'must look like name=sqlite:/path.db or name=postgres://…, optionally ending in ?mode=ro or ?mode=rw'

/** Parses `NEXUS_SQL_SOURCES`: `sales=postgres://…?mode=ro, local=sqlite:/data/app.db`. */
export function parseSqlSources(text: string | undefined): SqlSource[] {
  if (!text?.trim()) return []
  return text.split(',').map((part) => {
    const eq = part.indexOf('=')
    const name = part.slice(0, eq).trim()
    const address = part.slice(eq + 1).trim()
    if (eq < 1 || !/^[a-z][a-z0-9_]*$/i.test(name) || !/^(sqlite:|postgres(ql)?:\/\/)/.test(address)) {
      throw new Error(`NEXUS_SQL_SOURCES entry "${shown(part)}" ${ENTRY}`)
    }
    return address.startsWith('sqlite:') ? sqliteSource(name, address, part) : postgresSource(name, address, part)
  })
}

function sqliteSource(name: string, address: string, part: string): SqlSource {
  const [path = '', query] = address.slice('sqlite:'.length).split('?', 2)
  const mode = query === undefined ? 'rw' : /^mode=(ro|rw)$/.exec(query)?.[1]
  // SQLite reads `file:` names as URIs with options of their own (another mode, another VFS): a plain path only.
  if (!mode || !path || path.startsWith('file:')) {
    throw new Error(`NEXUS_SQL_SOURCES entry "${shown(part)}" ${ENTRY} (a plain file path, not a file: URI)`)
  }
  return { name, url: `sqlite:${path}`, readonly: mode === 'ro' }
}

function postgresSource(name: string, address: string, part: string): SqlSource {
  const url = URL.canParse(address) ? new URL(address) : undefined
  if (!url) throw new Error(`NEXUS_SQL_SOURCES entry "${shown(part)}" is not a valid URL; ${ENTRY}`)
  const mode = url.searchParams.get('mode') ?? 'rw'
  if (mode !== 'ro' && mode !== 'rw') throw new Error(`NEXUS_SQL_SOURCES entry "${shown(part)}" ${ENTRY}`)
  url.searchParams.delete('mode')
  return { name, url: url.toString(), readonly: mode === 'ro' }
}
