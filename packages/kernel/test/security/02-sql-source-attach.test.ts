import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSqlSources, sqlExtension } from '../../src/extensions/sqlExtension.ts'
import type { RunningKernel } from '../../src/index.ts'
import { api, OWNER, startTestKernel } from '../helpers.ts'
import { freePort, spawnKernel, stopKernel } from '../process.ts'

// Finding 2: with a SQLite source, any editor's handler could ATTACH the kernel's own nexus.db and read
// password hashes, make itself owner of other workspaces, or VACUUM INTO any path. Every statement a handler
// sends is now checked (its text and its compiled program) before SQLite runs it.

const PROBE = `<NexusPanel title="Probe" version="1.0.0">
  <Data><State name="out" type="object" default="{}" /></Data>
  <Logic>
    <Extension name="nexus.sql" alias="db" />
    <Tool name="run">
      <Arg name="source" type="string" />
      <Arg name="sql" type="string" />
      <Arg name="params" type="list" />
      <Capabilities><Capability type="ext" scope="db" /><Capability type="state:write" scope="out" /></Capabilities>
      <Handler>
        try {
          const r = await $ext.db.query($args.source, $args.sql, $args.params)
          $state.out = { ok: true, rows: r.rows, rowCount: r.rowCount }
        } catch (e) {
          $state.out = { ok: false, message: String(e.message) }
        }
      </Handler>
    </Tool>
  </Logic>
  <View><Text content="probe" /></View>
</NexusPanel>`

describe('finding 2: a SQLite source cannot reach the kernel database or the file system', () => {
  let kernel: RunningKernel
  let kernelDb: string
  let loot: string
  let shop: string
  let archive: string
  let malloryKey: string
  let probe: string

  const run = async (source: string, sql: string, params: unknown[] = []) =>
    (
      await api(
        kernel,
        'POST',
        `/api/panels/${probe}/trigger`,
        { tool: 'run', args: { source, sql, params } },
        malloryKey,
      )
    ).body.state.out as { ok: boolean; message?: string; rows?: unknown[]; rowCount?: number }
  /** What an attacker would be after: the kernel's accounts and memberships, read straight from its file. */
  const kernelRows = () => {
    const db = new Database(kernelDb, { readonly: true })
    try {
      return {
        memberships: db.prepare('select * from memberships order by workspace_id, user_id').all(),
        users: db.prepare('select id, email, password_hash from users order by id').all(),
      }
    } finally {
      db.close()
    }
  }
  const table = (file: string, name: string) => {
    const db = new Database(file, { readonly: true })
    try {
      return db.prepare(`select * from ${name} order by rowid`).all()
    } finally {
      db.close()
    }
  }

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-sql-attack-'))
    loot = mkdtempSync(join(tmpdir(), 'nexus-sql-loot-'))
    shop = join(dir, 'shop.db')
    archive = join(dir, 'archive.db')
    const seed = (file: string, sql: string) => {
      const db = new Database(file)
      db.exec(sql)
      db.close()
    }
    seed(shop, "create table items (name text, price real); insert into items values ('pen', 2), ('mug', 6)")
    seed(archive, "create table notes (body text); insert into notes values ('kept')")
    const started = await startTestKernel({ sqlSources: `shop=sqlite:${shop}, archive=sqlite:${archive}?mode=ro` })
    kernel = started.kernel
    kernelDb = join(started.dataDir, 'nexus.db')
    const mallory = { email: 'mallory@example.com', password: 'a long enough passphrase 7', name: 'Mallory' }
    const registered = await api(kernel, 'POST', '/api/auth/register', mallory, null)
    expect(registered.status).toBe(201)
    const session = registered.body
    malloryKey = (await api(kernel, 'POST', '/api/keys', { name: 'probe' }, session.accessToken)).body.key
    probe = (await api(kernel, 'POST', '/api/panels', { nxml: PROBE }, malloryKey)).body.id
    expect(probe).toEqual(expect.any(String))
  })
  afterAll(async () => {
    await kernel.close()
  })

  it('still runs an ordinary SELECT and INSERT, and a SELECT on the read-only source', async () => {
    expect(await run('shop', 'insert into items values (?, ?)', ['book', 12])).toEqual({
      ok: true,
      rows: [],
      rowCount: 1,
    })
    expect(
      await run('shop', '-- cheap first\nselect name, price from items where price <= ? order by price', [6]),
    ).toEqual({
      ok: true,
      rows: [
        { name: 'pen', price: 2 },
        { name: 'mug', price: 6 },
      ],
      rowCount: 2,
    })
    expect(await run('archive', 'with n as (select body from notes) select * from n')).toEqual({
      ok: true,
      rows: [{ body: 'kept' }],
      rowCount: 1,
    })
  })

  it("refuses ATTACH of the kernel's nexus.db, and everything an attached database was used for", async () => {
    const before = kernelRows()
    expect(before.users.length).toBe(2)
    const workspaceOfOwner = (before.memberships[0] as { workspace_id: string }).workspace_id
    const attacks: [string, string, unknown[]][] = [
      ['shop', `ATTACH DATABASE '${kernelDb}' AS k`, []],
      ['shop', `/* a comment first */ attach database ? as k`, [kernelDb]],
      ['shop', `-- a line comment\n  AtTaCh '${kernelDb}' AS k`, []],
      ['archive', `attach database '${kernelDb}' as k`, []],
      ['shop', 'select * from pragma_database_list', []],
      ['shop', 'select name, file from main.pragma_database_list()', []],
      ['shop', 'select * from "PRAGMA_DATABASE_LIST"', []],
      ['shop', 'select * from sqlite_temp_master', []],
      ['shop', 'select * from temp.sqlite_master', []],
      ['shop', `vacuum into '${join(loot, 'vacuumed.db')}'`, []],
      ['shop', `vacuum main into '${join(loot, 'main.db')}'`, []],
      ['shop', "select load_extension('/tmp/nope.so')", []],
      ['shop', "select load_extension('/tmp/nope.so') from items", []],
      ['shop', "pragma journal_mode = 'off'", []],
      ['shop', 'pragma writable_schema = 1', []],
      ['shop', 'create table stolen (x)', []],
      ['shop', 'drop table items', []],
      ['shop', 'detach database main', []],
      ['shop', 'begin', []],
      ['shop', 'reindex items', []],
    ]
    for (const [source, sql, params] of attacks) {
      const out = await run(source, sql, params)
      expect({ sql, out }).toEqual({
        sql,
        out: { ok: false, message: expect.stringMatching(/^STATEMENT_REFUSED: .+ on SQL source "(shop|archive)"/) },
      })
    }
    // The statements that used the attached database now find no such database.
    const insert = await run('shop', "insert into k.memberships values (?, ?, 'owner', 0)", [
      workspaceOfOwner,
      'mallory',
    ])
    expect(insert).toEqual({ ok: false, message: 'no such table: k.memberships' })
    expect(await run('shop', 'select email, password_hash from k.users')).toEqual({
      ok: false,
      message: 'no such table: k.users',
    })
    expect(await run('shop', 'select 1; attach database ? as k', [kernelDb])).toMatchObject({ ok: false })
    expect(kernelRows()).toEqual(before)
    expect(readdirSync(loot)).toEqual([])
    expect(table(shop, 'items')).toEqual([
      { name: 'pen', price: 2 },
      { name: 'mug', price: 6 },
      { name: 'book', price: 12 },
    ])
  })

  it('refuses every write to a read-only source, however it is spelt', async () => {
    for (const sql of [
      "insert into notes values ('forged')",
      "replace into notes values ('forged')",
      'delete from notes',
      "update notes set body = 'forged'",
      "with f(b) as (select 'forged') insert into notes select b from f",
    ]) {
      const out = await run('archive', sql)
      expect({ sql, out }).toEqual({
        sql,
        out: {
          ok: false,
          message: expect.stringMatching(/^STATEMENT_REFUSED: .+ on SQL source "archive" \(read-only\)/),
        },
      })
    }
    expect(table(archive, 'notes')).toEqual([{ body: 'kept' }])
  })

  it("stops a runaway statement in the source's own process; the kernel and the source keep serving", async () => {
    const endless = 'with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) as c from n'
    // The handler's own deadline ends its run first; SQLite, run in the kernel, would have blocked it for good.
    const runaway = await api(
      kernel,
      'POST',
      `/api/panels/${probe}/trigger`,
      { tool: 'run', args: { source: 'shop', sql: endless, params: [] } },
      malloryKey,
    )
    expect(runaway.body.error).toMatchObject({ code: 'SANDBOX_TIMEOUT' })
    expect((await api(kernel, 'GET', '/healthz')).status).toBe(200)
    // Another source has a process of its own, and still serves; what it hands back is bounded.
    expect(await run('archive', 'select zeroblob(9000000) as b')).toEqual({
      ok: false,
      message:
        'RESULT_TOO_LARGE: the result from SQL source "archive" passed 8 MB; select fewer rows or smaller columns',
    })
    expect(await run('archive', "select x'0102' as b")).toEqual({
      ok: true,
      rows: [{ b: { type: 'Buffer', data: [1, 2] } }],
      rowCount: 1,
    })
    // The same statement through the extension itself: killed at its statement timeout, then served again.
    const extension = sqlExtension(parseSqlSources(`s=sqlite:${shop}`), { dataDir: join(kernelDb, '..') })
    await extension.start!()
    try {
      const context = { panelId: probe, workspaceId: 'w', capabilities: ['ext:*'] }
      await expect(extension.call('query', ['s', endless], context)).rejects.toMatchObject({
        code: 'QUERY_TIMEOUT',
        message: expect.stringMatching(/^QUERY_TIMEOUT: a statement on SQL source "s" ran past 5 s and was stopped/),
      })
      expect(await extension.call('query', ['s', 'select count(*) as c from items'], context)).toEqual({
        rows: [{ c: 3 }],
        rowCount: 1,
        truncated: false,
      })
    } finally {
      await extension.stop!()
    }
    expect(await run('shop', 'select count(*) as c from items')).toEqual({ ok: true, rows: [{ c: 3 }], rowCount: 1 })
  })

  it("ends a source's busy process when the kernel dies mid-statement", async () => {
    const own = join(mkdtempSync(join(tmpdir(), 'nexus-sql-orphan-')), 'orphan.db')
    new Database(own).close()
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-kernel-orphan-'))
    const { url, process: child } = await spawnKernel(await freePort(), dataDir, {
      NEXUS_SQL_SOURCES: `o=sqlite:${own}`,
    })
    const hosts = () =>
      execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
        .split('\n')
        .filter((line) => line.includes('sqliteHostMain') && line.includes(own))
        .map((line) => Number(line.trim().split(' ')[0]))
    const post = async (path: string, body: unknown, token?: string) =>
      (
        await fetch(url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        })
      ).json()
    const [host] = hosts()
    try {
      expect(host).toEqual(expect.any(Number))
      const token = (await post('/api/auth/setup', { ...OWNER })).accessToken as string
      const panel = (await post('/api/panels', { nxml: PROBE }, token)).id as string
      const endless = 'with recursive n(x) as (select 1 union all select x + 1 from n) select count(*) from n'
      await post(
        `/api/panels/${panel}/trigger`,
        { tool: 'run', args: { source: 'o', sql: endless, params: [] } },
        token,
      )
      await stopKernel(child, 'SIGKILL')
      // Nothing is left to kill it at its timeout: it must notice on its own.
      const deadline = Date.now() + 20_000
      while (hosts().includes(host!) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      expect(hosts()).not.toContain(host)
    } finally {
      await stopKernel(child, 'SIGKILL')
      for (const pid of hosts()) process.kill(pid, 'SIGKILL')
    }
  }, 60_000)

  it("refuses at start a source that is the kernel's own database or lies in its data directory", async () => {
    const link = join(mkdtempSync(join(tmpdir(), 'nexus-sql-link-')), 'innocent.db')
    symlinkSync(kernelDb, link)
    for (const url of [`sqlite:${kernelDb}`, `sqlite:${kernelDb}?mode=ro`, `sqlite:${link}`]) {
      const extension = sqlExtension(parseSqlSources(`k=${url}`), { dataDir: join(kernelDb, '..') })
      await expect(extension.start!()).rejects.toThrow(/source "k" .* is inside the kernel's data directory/)
      await extension.stop!()
    }
    expect(() => parseSqlSources(`k=sqlite:file:${kernelDb}?mode=rw`)).toThrow(/not a file: URI/)
    expect(existsSync(kernelDb)).toBe(true)
  })
})
