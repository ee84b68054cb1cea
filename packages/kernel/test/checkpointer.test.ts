import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { Checkpointer } from '../src/db/Checkpointer.ts'

// Issue #12: SQLite's automatic checkpoint fsynced on the kernel's loop inside a commit every ~200 triggers.
describe('Checkpointer (WAL checkpoints off the event loop)', () => {
  it('copies commits of a connection that never checkpoints into the database file, also under commits without a pause', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'nexus-checkpoint-')), 'nexus.db')
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('wal_autocheckpoint = 0') // only the worker may copy the WAL back
    db.exec('create table t (id integer primary key, body text)')
    const insert = db.prepare('insert into t (body) values (?)')
    for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(1_000))
    const before = statSync(file).size
    expect(before).toBeLessThan(100_000) // everything is still in the WAL

    const checkpoints = new Checkpointer(file, 10)
    const deadline = Date.now() + 30_000
    while (statSync(file).size < 2_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(statSync(file).size).toBeGreaterThanOrEqual(2_000_000)

    // Commits without a pause (the writer never finds the WAL fully copied): the worker still copies them all.
    for (let i = 0; i < 30_000; i++) {
      insert.run('y'.repeat(1_000))
      if (i % 1_000 === 0) await new Promise((r) => setTimeout(r, 5))
    }
    while (statSync(file).size < 32_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    expect(statSync(file).size).toBeGreaterThanOrEqual(32_000_000)
    await checkpoints.close()
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 32_000 })
    db.close()
  }, 60_000)
})
