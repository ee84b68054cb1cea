import { existsSync, mkdtempSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseSqlSources, sqlExtension } from '../../src/extensions/sqlExtension.ts'
import type { RunningKernel } from '../../src/index.ts'
import { api, startTestKernel } from '../helpers.ts'
import { createDatabase, startPostgres } from '../postgres.ts'

// Finding 2, PostgreSQL side: a source reached through a role with only the grants it serves, and every
// statement a handler sends checked and run in its own transaction (READ ONLY for a read-only source).
// `npm run test:services` starts the cluster (postgresGlobalSetup.ts); run alone, this file starts its own.
// Without PostgreSQL it is skipped with a note, and in CI startPostgres() throws instead, so CI fails.
const own = process.env.NEXUS_TEST_POSTGRES ? undefined : await startPostgres()
const adminUrl = process.env.NEXUS_TEST_POSTGRES ?? own?.adminUrl
afterAll(() => own?.stop())

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

const REFUSED = (source: string) =>
  expect.stringMatching(new RegExp(`^STATEMENT_REFUSED: .+ on SQL source "${source}"`))

describe.runIf(adminUrl)('finding 2: a PostgreSQL source stays inside its role and its transaction', () => {
  let kernel: RunningKernel
  let shopUrl: string
  let roUrl: string
  let malloryKey: string
  let probe: string
  const loot = mkdtempSync(join(tmpdir(), 'nexus-pg-loot-'))
  const suffix = randomBytes(4).toString('hex')

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
  /** The source's tables as the database administrator sees them. */
  const tables = async () => {
    const client = new pg.Client({ connectionString: shopUrl })
    await client.connect()
    try {
      const rows = async (sql: string) => (await client.query(sql)).rows
      return {
        items: await rows('select name, price from items order by name'),
        notes: await rows('select body from notes order by body'),
        secrets: await rows('select v from secrets'),
      }
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    shopUrl = await createDatabase(adminUrl!, `shop_${suffix}`)
    const admin = new pg.Client({ connectionString: shopUrl })
    await admin.connect()
    // The documented setup (docs/api.md): one login role per source, granted only the tables it serves.
    await admin.query(`
      create table items (name text primary key, price int);
      insert into items values ('pen', 2), ('mug', 6);
      create table notes (body text);
      insert into notes values ('kept');
      create table secrets (v text);
      insert into secrets values ('the admin''s secret');
      create role shop_rw_${suffix} login;
      grant select, insert, update, delete on items to shop_rw_${suffix};
      create role shop_ro_${suffix} login;
      grant select on items, notes to shop_ro_${suffix};
    `)
    await admin.end()
    const as = (role: string) => {
      const url = new URL(shopUrl)
      url.username = role
      return url.toString()
    }
    roUrl = as(`shop_ro_${suffix}`)
    ;({ kernel } = await startTestKernel({
      sqlSources: `shop=${as(`shop_rw_${suffix}`)}, archive=${roUrl}?mode=ro`,
    }))
    const mallory = { email: 'mallory@example.com', password: 'Mallory has a long passphrase 7', name: 'Mallory' }
    const session = (await api(kernel, 'POST', '/api/auth/register', mallory, null)).body
    malloryKey = (await api(kernel, 'POST', '/api/keys', { name: 'probe' }, session.accessToken)).body.key
    probe = (await api(kernel, 'POST', '/api/panels', { nxml: PROBE }, malloryKey)).body.id
  })
  afterAll(async () => {
    await kernel?.close()
  })

  it('runs ordinary queries, with a statement timeout in force', async () => {
    expect(await run('shop', 'insert into items values ($1, $2)', ['book', 12])).toEqual({
      ok: true,
      rows: [],
      rowCount: 1,
    })
    expect(await run('archive', 'select name, price from items where price <= $1 order by price', [6])).toEqual({
      ok: true,
      rows: [
        { name: 'pen', price: 2 },
        { name: 'mug', price: 6 },
      ],
      rowCount: 2,
    })
    expect(
      await run(
        'archive',
        "select current_setting('statement_timeout') as t, current_setting('transaction_read_only') as ro",
      ),
    ).toEqual({
      ok: true,
      rows: [{ t: '5s', ro: 'on' }],
      rowCount: 1,
    })
  })

  it('refuses session, file and program tricks before they reach the server', async () => {
    const before = await tables()
    const attacks: [string, string][] = [
      ['shop', 'SET role postgres'],
      ['shop', 'set transaction_read_only = off'],
      ['archive', "SET transaction_read_only = off; insert into notes values ('forged')"],
      ['archive', 'reset all'],
      ['shop', `COPY items TO PROGRAM 'touch ${join(loot, 'pwned')}'`],
      ['shop', `copy (select * from secrets) to '${join(loot, 'secrets.csv')}'`],
      ['shop', "select pg_read_file('/etc/passwd')"],
      ['shop', "select * from pg_catalog.PG_READ_FILE('postgresql.conf')"],
      ['shop', "select pg_ls_dir('.')"],
      ['archive', "select set_config('transaction_read_only', 'off', false)"],
      ['shop', `select U&"pg\\005fread\\005ffile"('/etc/passwd')`],
      ['shop', "select query_to_xml('select 1', true, true, '')"],
      ['shop', 'select pg_advisory_lock(1)'],
      ['shop', 'do $$ begin perform 1; end $$'],
      ['shop', 'create table stolen (x int)'],
      ['shop', 'drop table items'],
      ['shop', 'grant select on secrets to public'],
      ['shop', 'listen anything'],
      ['shop', 'commit'],
      ['archive', "/* /* nested */ select 1 */ insert into notes values ('forged')"],
    ]
    for (const [source, sql] of attacks) {
      expect({ sql, out: await run(source, sql) }).toEqual({ sql, out: { ok: false, message: REFUSED(source) } })
    }
    // Two statements in one call never run: the extended protocol takes one.
    expect(
      await run('archive', "select 1; set transaction_read_only = off; insert into notes values ('forged')"),
    ).toEqual({ ok: false, message: 'cannot insert multiple commands into a prepared statement' })
    // The role is the boundary for the rest: a table it was not granted.
    expect(await run('shop', 'select * from secrets')).toEqual({
      ok: false,
      message: 'permission denied for table secrets',
    })
    expect(await tables()).toEqual(before)
    expect(existsSync(join(loot, 'pwned'))).toBe(false)
    expect(existsSync(join(loot, 'secrets.csv'))).toBe(false)
  })

  it('refuses every write to a read-only source, and read-only cannot be switched off', async () => {
    const before = await tables()
    for (const sql of [
      "insert into notes values ('forged')",
      "update notes set body = 'forged'",
      'delete from notes',
      "merge into notes using (select 'x' as b) s on false when not matched then insert values (s.b)",
      // Past the keyword check: the READ ONLY transaction refuses it (SQLSTATE 25006, answered as a refusal).
      'with d as (delete from notes returning *) select * from d',
    ]) {
      const out = await run('archive', sql)
      expect({ sql, out }).toEqual({ sql, out: { ok: false, message: REFUSED('archive') } })
    }
    // UPDATE pg_settings is how SQL spells SET without the word; PostgreSQL refuses it inside WITH.
    const setting =
      "with s as (update pg_settings set setting = 'off' where name = 'transaction_read_only' returning name) select * from s"
    expect(await run('archive', setting)).toEqual({
      ok: false,
      message: 'cannot perform UPDATE RETURNING on relation "pg_settings"',
    })
    expect(await tables()).toEqual(before)
  })

  it('leaves nothing on the pooled session for the next call', async () => {
    // pg_settings is writable by PUBLIC: an UPDATE of it is a SET, which must not outlive the call.
    expect(await run('shop', "update pg_settings set setting = '1ms' where name = 'lock_timeout'")).toMatchObject({
      ok: true,
    })
    for (let i = 0; i < 4; i++) {
      expect(await run('shop', "select current_setting('lock_timeout') as t")).toEqual({
        ok: true,
        rows: [{ t: '0' }],
        rowCount: 1,
      })
    }
  })

  it("refuses at start a source that is the kernel's own database", async () => {
    const extension = sqlExtension(parseSqlSources(`k=${roUrl}`), { dataDir: loot, databaseUrl: shopUrl })
    await expect(extension.start!()).rejects.toThrow(`source "k" is the kernel's own database`)
  })
})

if (!adminUrl) {
  describe('finding 2 on PostgreSQL', () => {
    // Skipped because PostgreSQL is not installed here (startPostgres() returned undefined); CI never takes
    // this branch: there startPostgres() throws, so a missing PostgreSQL fails CI.
    it.skip('needs PostgreSQL from Debian packages (apt-get install -y postgresql)', () => undefined)
  })
}
