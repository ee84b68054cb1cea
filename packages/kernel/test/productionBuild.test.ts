// The production build (scripts/build-kernel.mjs) run as `npm start` runs it: plain `node dist/main.js`, no tsx,
// no `@nexus/source` condition. A handler that only QuickJS can run proves the bundled sandbox worker loads, and a
// `nexus.sql` query proves the bundled SQLite host child does.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { OWNER } from './helpers.ts'

const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
// Inside the repository (npm packages stay external and resolve from node_modules), under the ignored dist/.
const OUTDIR = join(ROOT, 'packages/kernel/dist', `test-${process.pid}-${Date.now()}`)

const SHOP = `<NexusPanel title="Shop" version="1.0.0">
  <Data>
    <State name="total" type="number" default="0" />
    <State name="rows" type="list" default="[]" />
  </Data>
  <Logic>
    <Extension name="nexus.sql" alias="db" />
    <Tool name="sum">
      <Arg name="upTo" type="number" />
      <Capabilities><Capability type="state:write" scope="total" /></Capabilities>
      <Handler>
        const squares = Array.from({ length: $args.upTo }, (_, i) => (i + 1) * (i + 1))
        $state.total = squares.reduce((a, b) => a + b, 0)
      </Handler>
    </Tool>
    <Tool name="cheap">
      <Arg name="max" type="number" />
      <Capabilities><Capability type="ext" scope="db" /><Capability type="state:write" scope="rows" /></Capabilities>
      <Handler>
        const r = await $ext.db.query('shop', 'select name, price from items where price <= ? order by price', [$args.max])
        $state.rows = r.rows
      </Handler>
    </Tool>
  </Logic>
  <View><Text content="{$state.total}" /></View>
</NexusPanel>`

/** Starts the built kernel with nothing but node and the bundle; resolves with its URL once it prints it. */
function startBuilt(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const { NODE_OPTIONS: _drop, ...inherited } = process.env
  const child = spawn(process.execPath, [join(OUTDIR, 'main.js')], {
    cwd: tmpdir(),
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /running at (http:\/\/\S+)/.exec(output)
      if (match) resolve({ child, url: match[1]!, output: () => output })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`the built kernel exited with ${code}:\n${output}`)))
  })
}

describe('the production build of the kernel', () => {
  let kernel: { child: ChildProcess; url: string; output: () => string } | undefined
  const dataDir = mkdtempSync(join(tmpdir(), 'nexus-built-'))

  beforeAll(() => {
    const build = spawnSync(process.execPath, ['scripts/build-kernel.mjs', '--outdir', OUTDIR], {
      cwd: ROOT,
      encoding: 'utf8',
    })
    expect(build.stderr + build.stdout).toContain('built ')
    expect(build.status).toBe(0)
  }, 120_000)

  afterAll(async () => {
    const child = kernel?.child
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      process.kill(child.pid!, 'SIGKILL')
      await exited
    }
    rmSync(OUTDIR, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('the built sandbox worker and SQLite host are bundled JavaScript, never the .ts sources or tsx', () => {
    const files = readdirSync(OUTDIR).filter((name) => name.endsWith('.js'))
    expect(files.sort()).toEqual(['main.js', 'sandboxWorker.js', 'sqliteHostMain.js'])
    const main = readFileSync(join(OUTDIR, 'main.js'), 'utf8')
    expect(main).toContain('new URL("./sandboxWorker.js", import.meta.url)')
    expect(main).toContain('new URL("./sqliteHostMain.js", import.meta.url)')
    for (const name of files) {
      const code = readFileSync(join(OUTDIR, name), 'utf8')
      expect(code, name).not.toMatch(/from\s*["']tsx|import\(\s*["']tsx/)
      expect(code, name).not.toMatch(/new URL\(\s*["'][^"']*\.(ts|tsx|mjs)["']/)
    }
  })

  it('starts with plain node, runs a QuickJS handler and a nexus.sql query, and stops by PID', async () => {
    const shop = join(dataDir, 'shop.db')
    const db = new Database(shop)
    db.exec("create table items (name text, price real); insert into items values ('pen', 2), ('book', 12), ('mug', 6)")
    db.close()
    kernel = await startBuilt({
      PORT: '0',
      HOST: '127.0.0.1',
      NEXUS_DATA_DIR: join(dataDir, 'data'),
      NEXUS_SQL_SOURCES: `shop=sqlite:${shop}?mode=ro`,
    })
    const { url } = kernel

    const json = { 'content-type': 'application/json' }
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
    const setup = await fetch(`${url}/api/auth/setup`, { method: 'POST', headers: json, body: JSON.stringify(OWNER) })
    expect(setup.status).toBe(201)
    const { accessToken } = (await setup.json()) as { accessToken: string }
    const auth = { ...json, authorization: `Bearer ${accessToken}` }
    const created = await fetch(`${url}/api/panels`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ nxml: SHOP }),
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const trigger = async (tool: string, args: unknown) => {
      const res = await fetch(`${url}/api/panels/${id}/trigger`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ tool, args }),
      })
      return { status: res.status, body: (await res.json()) as { version?: number; state?: Record<string, unknown> } }
    }

    // Array.from with a callback is outside tier 0's subset: this run goes through the sandbox worker.
    expect(await trigger('sum', { upTo: 10 })).toMatchObject({
      status: 200,
      body: { version: 1, state: { total: 385 } },
    })
    const cheap = await trigger('cheap', { max: 6 })
    expect(cheap).toMatchObject({ status: 200, body: { version: 2 } })
    expect(cheap.body.state!.rows).toEqual([
      { name: 'pen', price: 2 },
      { name: 'mug', price: 6 },
    ])

    // The SQLite source's process (still up for the next query) runs the bundled host with plain node.
    const children = readdirSync(`/proc/${kernel.child.pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${kernel!.child.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
    )
    const commands = children.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean))
    const host = commands.find((argv) => argv.some((arg) => arg.endsWith('sqliteHostMain.js')))
    expect(host, JSON.stringify(commands)).toBeDefined()
    expect(host!.join(' ')).not.toMatch(/tsx|@nexus\/source|\.ts\b/)

    const child = kernel.child
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    process.kill(child.pid!, 'SIGTERM')
    expect(await exited).toBe(0)
    expect(kernel.output()).toContain('[kernel] stopped in')
  }, 180_000)
})
