// How long a trigger-sized commit holds the event loop, with SQLite's automatic checkpoint (the peer: the
// commit that crosses 1,000 WAL pages copies them back and fsyncs on the loop) and with the kernel's
// `Checkpointer` (checkpoints on a worker thread's connection). Same trigger-sized rows, the two alternating
// commit by commit in one process, each on its own database file (KERNEL_BENCH_ONLY=checkpoint).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { BACKSTOP_PAGES, Checkpointer } from '../../packages/kernel/src/db/Checkpointer.ts'
import { compared, median, percentile, type Metric } from '../lib.ts'

const COMMITS = Number(process.env.CHECKPOINT_BENCH_COMMITS ?? 6000)

function open(dir: string, autocheckpoint: number | undefined) {
  const file = join(dir, 'nexus.db')
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  if (autocheckpoint !== undefined) db.pragma(`wal_autocheckpoint = ${autocheckpoint}`)
  db.exec(`create table panels (id text primary key, state text, version integer, updated_at integer);
    create table panel_changes (panel_id text, version integer, ops text, tool text, ts integer, primary key (panel_id, version));
    create table trilog_outbox (id integer primary key, event text, created_at integer);
    insert into panels values ('p', '{"count":0}', 0, 0);`)
  const update = db.prepare('update panels set state = ?, version = ?, updated_at = ? where id = ? and version = ?')
  const log = db.prepare('insert into panel_changes values (?, ?, ?, ?, ?)')
  const outbox = db.prepare('insert into trilog_outbox (event, created_at) values (?, ?)')
  const event = JSON.stringify({
    kind: 'state_change',
    attrs: { ops: [{ op: 'replace', path: '/count' }], pad: 'x'.repeat(600) },
  })
  let version = 0
  const commit = db.transaction(() => {
    version++
    update.run(`{"count":${version}}`, version, Date.now(), 'p', version - 1)
    log.run('p', version, `[{"op":"replace","path":"/count","value":${version}}]`, 'increment', Date.now())
    outbox.run(event, Date.now())
  })
  return { db, file, commit }
}

/** The commit's hold on the loop, p99 and p99.9, against SQLite's automatic checkpoint in the same run. */
export async function checkpointMetrics(): Promise<Metric[]> {
  const dirs = [mkdtempSync(join(tmpdir(), 'nexus-ckpt-auto-')), mkdtempSync(join(tmpdir(), 'nexus-ckpt-worker-'))]
  const auto = open(dirs[0]!, undefined)
  const worker = open(dirs[1]!, BACKSTOP_PAGES)
  const checkpoints = new Checkpointer(worker.file)
  const times = { auto: [] as number[], worker: [] as number[] }
  try {
    for (let i = 0; i < COMMITS; i++) {
      for (const [name, side] of [
        ['auto', auto],
        ['worker', worker],
      ] as const) {
        const t = process.hrtime.bigint()
        side.commit()
        times[name].push(Number(process.hrtime.bigint() - t) / 1e6)
      }
      if (i % 10 === 0) await new Promise((r) => setTimeout(r, 1)) // a loop turn now and then, as triggers come
    }
  } finally {
    await checkpoints.close()
    for (const side of [auto, worker]) side.db.close()
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  }
  const peer = 'automatic checkpoint on the loop (wal_autocheckpoint 1000)'
  const at = (p: number) =>
    compared(
      `trigger-sized SQLite commit's hold on the event loop p${p}, ${COMMITS} commits`,
      'ms',
      'lower',
      percentile(times.worker, p),
      { name: peer, value: percentile(times.auto, p) },
      { op: '<=', ratio: 1 },
    )
  const metrics = [at(99), at(99.9)]
  console.table(
    (['auto', 'worker'] as const).map((name) => ({
      name,
      p50: median(times[name]).toFixed(3),
      p99: percentile(times[name], 99).toFixed(3),
      'p99.9': percentile(times[name], 99.9).toFixed(3),
      max: Math.max(...times[name]).toFixed(3),
    })),
  )
  return metrics
}
