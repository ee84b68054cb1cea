import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { KernelError } from '../errors.ts'

/**
 * Who serves a database. One kernel per database until scale-out exists: each kernel caches panels and
 * queues triggers for itself, so two on one database disagree on state and lose acknowledged changes.
 */
export interface KernelLockHolder {
  pid?: number
  host?: string
  /** When the holder took the lock (ms since epoch). */
  since?: number
}

/** The lock on one database, held for the kernel's life and released by the OS or the server if it dies. */
export interface KernelLock {
  /** The database it guards, fit for a log line (no password). */
  readonly database: string
  /** Called once if the lock is lost while held (the PostgreSQL connection holding it ended). */
  onLost(listener: (error: Error) => void): void
  release(): Promise<void>
}

/** `classid` and `objid` of the advisory lock: a fixed pair, since an advisory lock is per database already. */
const PG_LOCK_KEY = [0x4e657875, 0x6b65726e] as const // "Nexu", "kern"
/** The `application_name` prefix of the lock's connection, which tells a refused kernel who holds it. */
const PG_APP = 'nexus-kernel'
/**
 * How long a refused PostgreSQL kernel keeps trying: the server ends a killed kernel's session (and its lock)
 * only once it reads the closed connection, a moment after the process is gone.
 */
const PG_TAKEOVER_MS = 5_000
const PG_RETRY_MS = 250
/**
 * Server-side keepalives on the lock's session: a kernel whose machine vanished without closing its connection
 * loses the lock within about 30 s instead of the system default of hours.
 */
const PG_KEEPALIVES = '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=4'

/**
 * Takes the database's kernel lock or refuses with `DATABASE_IN_USE`, naming the holder and what to do.
 * PostgreSQL: a session-level advisory lock on a dedicated connection. SQLite: an exclusive lock on the
 * SQLite database `<dataDir>/kernel.lock` (a POSIX lock, which dies with its process), with the holder
 * described in `kernel.lock.json` beside it.
 */
export async function acquireKernelLock(options: { dataDir: string; databaseUrl?: string }): Promise<KernelLock> {
  return options.databaseUrl ? acquirePostgresLock(options.databaseUrl) : acquireSqliteLock(options.dataDir)
}

function acquireSqliteLock(dataDir: string): KernelLock {
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'kernel.lock')
  const database = join(dataDir, 'nexus.db')
  const holderFile = `${path}.json`
  // No busy wait: a lock held by a live kernel stays held, and a dead kernel's lock is already gone.
  const db = new Database(path, { timeout: 0 })
  try {
    db.pragma('locking_mode = EXCLUSIVE')
    db.pragma('journal_mode = MEMORY')
    // The first write takes the exclusive lock; exclusive locking mode keeps it until the connection closes.
    db.exec('create table if not exists kernel (id integer primary key); begin exclusive; commit')
  } catch (error) {
    db.close()
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error
    throw inUse(database, readHolder(holderFile), 'NEXUS_DATA_DIR')
  }
  const me: KernelLockHolder = { pid: process.pid, host: hostname(), since: Date.now() }
  try {
    writeFileSync(`${holderFile}.tmp`, JSON.stringify(me))
    renameSync(`${holderFile}.tmp`, holderFile)
  } catch (error) {
    db.close()
    throw error
  }
  return {
    database,
    onLost: () => undefined, // a POSIX lock is only lost with the process
    async release() {
      if (!db.open) return
      rmSync(holderFile, { force: true })
      db.close()
    },
  }
}

/** The holder a SQLite kernel described when it took the lock; `{}` when unreadable. */
function readHolder(file: string): KernelLockHolder {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as KernelLockHolder
  } catch {
    return {}
  }
}

async function acquirePostgresLock(url: string): Promise<KernelLock> {
  const database = describePostgres(url)
  const client = new pg.Client({
    connectionString: url,
    // Read by a refused kernel from pg_stat_activity (PostgreSQL keeps 63 bytes).
    application_name: `${PG_APP} pid=${process.pid} host=${hostname()}`.slice(0, 63),
    options: PG_KEEPALIVES,
    keepAlive: true,
  })
  let lost: ((error: Error) => void) | undefined
  let released = false
  // Without a listener an error on this idle connection would end the process; it means the lock is gone.
  client.on('error', (error) => {
    if (!released) lost?.(error)
  })
  client.on('end', () => {
    if (!released) lost?.(new Error(`the connection holding the kernel lock on ${database} ended`))
  })
  const giveUp = Date.now() + PG_TAKEOVER_MS
  const tryLock = async () =>
    (await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [...PG_LOCK_KEY])).rows[0]?.ok
  let holder: KernelLockHolder | undefined
  try {
    await client.connect()
    let locked = await tryLock()
    while (!locked && Date.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, PG_RETRY_MS))
      locked = await tryLock()
    }
    if (!locked) holder = await postgresHolder(client).catch(() => ({}))
  } catch (error) {
    released = true
    await client.end().catch(() => undefined)
    throw error
  }
  if (holder) {
    released = true
    await client.end()
    throw inUse(database, holder, 'DATABASE_URL')
  }
  return {
    database,
    onLost(listener) {
      let called = false
      lost = (error) => {
        if (called) return
        called = true
        listener(error)
      }
    },
    async release() {
      if (released) return
      released = true
      // Ending the session releases a session-level advisory lock.
      await client.end()
    },
  }
}

/** The session holding the advisory lock, from pg_locks and the `application_name` it connected with. */
async function postgresHolder(client: pg.Client): Promise<KernelLockHolder> {
  const { rows } = await client.query<{ app: string | null; since: Date | null }>(
    `select a.application_name as app, a.backend_start as since
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.classid = $1 and l.objid = $2 and l.objsubid = 2
        and l.database = (select oid from pg_database where datname = current_database())`,
    [...PG_LOCK_KEY],
  )
  const row = rows[0]
  if (!row) return {}
  const pid = /pid=(\d+)/.exec(row.app ?? '')?.[1]
  const host = /host=(\S+)/.exec(row.app ?? '')?.[1]
  return { pid: pid ? Number(pid) : undefined, host, since: row.since?.getTime() }
}

/** `host:port/name` of a connection string: what an operator recognises, without the password. */
function describePostgres(url: string): string {
  try {
    const u = new URL(url)
    return `postgres://${u.host}${u.pathname}`
  } catch {
    return 'the PostgreSQL database in DATABASE_URL'
  }
}

function inUse(database: string, holder: KernelLockHolder, setting: string): KernelError {
  const who = [
    holder.pid === undefined ? 'another kernel' : `the kernel with pid ${holder.pid}`,
    holder.host && `on ${holder.host}`,
    holder.since !== undefined && `since ${new Date(holder.since).toISOString()}`,
  ]
    .filter(Boolean)
    .join(' ')
  return new KernelError(
    'DATABASE_IN_USE',
    `${database} is already served by ${who}. One kernel per database: stop that kernel first, or give this one ` +
      `its own database (${setting}).`,
    409,
    { database, holder },
  )
}
