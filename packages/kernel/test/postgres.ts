import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { freePort } from './process.ts'

export interface TestPostgres {
  /** The `postgres` database, for creating others. */
  adminUrl: string
  /** A connection string for a fresh database named `name`. */
  createDatabase(name: string): Promise<string>
  stop(): void
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const version = readdirSync(root).sort().at(-1)
  const dir = version && join(root, version, 'bin')
  return dir && existsSync(join(dir, 'initdb')) ? dir : undefined
}

/**
 * A private PostgreSQL cluster from Debian's packages on a free loopback port, in a temp dir.
 * Root runs the server as `postgres` (initdb refuses root). Returns undefined when PostgreSQL is not
 * installed, unless CI is set, where that is an error.
 */
export async function startPostgres(): Promise<TestPostgres | undefined> {
  const bin = binDir()
  if (!bin) {
    if (process.env.CI) throw new Error('PostgreSQL is not installed (apt-get install -y postgresql); CI needs it')
    console.warn('PostgreSQL is not installed: skipping the PostgreSQL suite (apt-get install -y postgresql)')
    return undefined
  }
  const dir = mkdtempSync(join(tmpdir(), 'nexus-pg-'))
  const asRoot = process.getuid?.() === 0
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { stdio: 'pipe' })
      : execFileSync(join(bin, tool), args, { stdio: 'pipe' })
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync'])
  const port = await freePort()
  const options = `-p ${port} -k ${dir} -h 127.0.0.1 -c fsync=off -c max_connections=200`
  run('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start'])
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    adminUrl: admin,
    createDatabase: (name) => createDatabase(admin, name),
    stop() {
      // pg_ctl stops the postmaster recorded in this cluster's own postmaster.pid: only what we started.
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop'])
    },
  }
}

/** Creates database `name` on the server of `adminUrl` and returns its connection string. */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`)
  await client.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}
