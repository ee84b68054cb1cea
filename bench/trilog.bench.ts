// TriLog: ingest through the SDK and through OTLP/HTTP JSON into embedded chDB, each beside a plain
// @clickhouse/client insert of the same rows (the simplest direct path; TriLog itself inserts TabSeparated
// through chDB's rawInsert), and reconstruction of an object with 1,000,000
// events from the nearest snapshot beside a naive full replay. The 1,000,000 events (and the snapshots the
// writer would have taken every 1,000 changes) are generated in SQL with INSERT … SELECT FROM numbers().
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createOtlpHandler, spansFromOtlp, Trilog, TrilogStore, type EventRow } from '@nexus/trilog'
import { compared, machine, median, percentile, round, save, type Metric } from './lib.ts'

const SDK_EVENTS = 200_000
const OTLP_SPANS = 100_000
const OTLP_BATCH = 5_000
const BIG = 1_000_000
const SNAPSHOT_EVERY = 1_000

const store = await TrilogStore.open({
  dataDir: mkdtempSync(join(tmpdir(), 'nexus-trilog-bench-')),
  batchSize: 10_000,
  maxBufferedEvents: 200_000,
  snapshotEvery: SNAPSHOT_EVERY,
})

function ingestMetric(name: string, ours: number, peerName: string, peer: number): Metric {
  return {
    ...compared(name, 'events/s', 'higher', ours, { name: peerName, value: peer }, { op: '>=', value: 100_000 }),
  }
}

// --- SDK ingest: anchor + stateChange per event, batched writes, snapshots every 1,000 changes.
async function sdkIngest(round: number): Promise<number> {
  const trilog = Trilog.start({ store, serviceName: 'bench' })
  const start = performance.now()
  await trilog.anchor({ type: 'Bench', id: `sdk-${round}` }, async () => {
    trilog.snapshot({ count: 0 }, 0)
    for (let i = 1; i <= SDK_EVENTS; i++) {
      trilog.stateChange([{ op: 'replace', path: '/count', value: i }], { version: i, tool: 'increment' })
      if (store.pending >= 100_000) await store.flush() // the caller's choice: back-pressure instead of drops
    }
  })
  await trilog.flush()
  const seconds = (performance.now() - start) / 1000
  if (store.dropped) throw new Error(`dropped ${store.dropped}`)
  return SDK_EVENTS / seconds
}

async function rawIngest(round: number): Promise<number> {
  const rows: EventRow[] = []
  const start = performance.now()
  for (let i = 1; i <= SDK_EVENTS; i++) {
    rows.push({
      obj_type: 'Bench',
      obj_id: `raw-${round}`,
      ts: Date.now(),
      seq: i,
      kind: 'state_change',
      trace_id: '',
      attrs: JSON.stringify({ ops: [{ op: 'replace', path: '/count', value: i }], version: i, tool: 'increment' }),
    })
    if (rows.length === 10_000)
      await store.client.insert({ table: 'trilog_events', values: rows.splice(0), format: 'JSONEachRow' })
  }
  if (rows.length) await store.client.insert({ table: 'trilog_events', values: rows, format: 'JSONEachRow' })
  return SDK_EVENTS / ((performance.now() - start) / 1000)
}

// --- OTLP ingest: JSON bodies of 5,000 spans posted to the handler on 127.0.0.1.
function otlpBody(round: number, batch: number): string {
  const spans = Array.from({ length: OTLP_BATCH }, (_, i) => ({
    traceId: (round * 1_000_000 + batch).toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'PanelExecution',
    kind: 2,
    startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(i) * 1_000_000n),
    endTimeUnixNano: String(1_700_000_000_005_000_000n + BigInt(i) * 1_000_000n),
    attributes: [
      { key: 'tool', value: { stringValue: 'increment' } },
      { key: 'trilog.obj_type', value: { stringValue: 'Panel' } },
      { key: 'trilog.obj_id', value: { stringValue: `p${i % 50}` } },
    ],
  }))
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'bench' } }] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  })
}

const server = createServer(createOtlpHandler(store, { maxBodyBytes: 64 * 1024 * 1024 }))
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const otlpUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`

async function otlpIngest(round: number): Promise<number> {
  const bodies = Array.from({ length: OTLP_SPANS / OTLP_BATCH }, (_, b) => otlpBody(round, b))
  const start = performance.now()
  for (const body of bodies) {
    const res = await fetch(otlpUrl, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    if (res.status !== 200) throw new Error(`OTLP ${res.status}: ${await res.text()}`)
  }
  return OTLP_SPANS / ((performance.now() - start) / 1000)
}

// The peer: the same span rows, converted before the clock starts, inserted by the simplest path
// (@clickhouse/client's insert, JSONEachRow, through chdb/connection) — no HTTP, no parsing, no checks.
async function otlpRaw(round: number): Promise<number> {
  const batches = Array.from({ length: OTLP_SPANS / OTLP_BATCH }, (_, b) =>
    spansFromOtlp(JSON.parse(otlpBody(round + 100, b))),
  )
  const start = performance.now()
  for (const rows of batches) await store.client.insert({ table: 'trilog_spans', values: rows, format: 'JSONEachRow' })
  return OTLP_SPANS / ((performance.now() - start) / 1000)
}

const sdkRates: number[] = []
const rawRates: number[] = []
const otlpRates: number[] = []
const otlpRawRates: number[] = []
for (let r = 0; r < 5; r++) {
  sdkRates.push(await sdkIngest(r))
  rawRates.push(await rawIngest(r))
  otlpRates.push(await otlpIngest(r))
  otlpRawRates.push(await otlpRaw(r))
  console.log(
    `round ${r}: sdk ${Math.round(sdkRates[r]!)}/s raw ${Math.round(rawRates[r]!)}/s otlp ${Math.round(otlpRates[r]!)}/s otlp-raw ${Math.round(otlpRawRates[r]!)}/s`,
  )
}
server.close()

// --- Reconstruction of one object with 1,000,000 state changes, generated in SQL.
const T0 = 1_000_000_000_000
const genStart = performance.now()
await store.client.command({
  query: `INSERT INTO trilog_events (obj_type, obj_id, ts, seq, kind, trace_id, attrs)
    SELECT 'Bench', 'big', ${T0}, 0, 'snapshot', '', '{"state":{"count":0,"label":"big"}}'`,
})
await store.client.command({
  query: `INSERT INTO trilog_events (obj_type, obj_id, ts, seq, kind, trace_id, attrs)
    SELECT 'Bench', 'big', ${T0} + number + 1, number + 1, 'state_change', '',
      concat('{"ops":[{"op":"replace","path":"/count","value":', toString(number + 1), '}],"tool":"increment"}')
    FROM numbers(${BIG})`,
})
// What the writer's SnapshotTracker takes every 1,000 changes (checked below against a full replay).
await store.client.command({
  query: `INSERT INTO trilog_snapshots (obj_type, obj_id, ts, seq, changes, state)
    SELECT 'Bench', 'big', ${T0} + number + 1, number + 1, ${SNAPSHOT_EVERY},
      concat('{"count":', toString(number + 1), ',"label":"big"}')
    FROM numbers(${BIG}) WHERE (number + 1) % ${SNAPSHOT_EVERY} = 0`,
})
console.log(
  `generated ${BIG} events + ${BIG / SNAPSHOT_EVERY} snapshots in SQL in ${Math.round(performance.now() - genStart)} ms`,
)

let seed = 7
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
const ours: number[] = []
const naive: number[] = []
for (let i = 0; i < 60; i++) {
  const k = 1 + Math.floor(rand() * BIG)
  const t = performance.now()
  const state = await store.stateAt('Bench', 'big', T0 + k)
  ours.push(performance.now() - t)
  if (state?.count !== k) throw new Error(`wrong state at ${k}: ${JSON.stringify(state)}`)
  if (i % 10 === 0) {
    const t2 = performance.now()
    const full = await store.stateAt('Bench', 'big', T0 + k, { useSnapshots: false })
    naive.push(performance.now() - t2)
    if (full?.count !== k) throw new Error(`naive replay wrong at ${k}`)
  }
}
console.log(
  `reconstruction ms: ours p50 ${round(median(ours))} p95 ${round(percentile(ours, 95))}; naive p50 ${round(median(naive))}`,
)
await store.close()

save({
  name: 'trilog',
  date: new Date().toISOString(),
  machine: machine(),
  metrics: [
    ingestMetric(
      'SDK ingest (stateChange → chDB, snapshots every 1,000)',
      median(sdkRates),
      'client.insert (JSONEachRow) of the same rows',
      median(rawRates),
    ),
    ingestMetric(
      'OTLP/HTTP JSON ingest (spans → chDB, 5,000/request)',
      median(otlpRates),
      'client.insert (JSONEachRow) of the same rows, converted beforehand',
      median(otlpRawRates),
    ),
    compared(
      'stateAt p50, object with 1,000,000 events (nearest snapshot + replay)',
      'ms',
      'lower',
      median(ours),
      { name: 'naive full replay (same store, no snapshots)', value: median(naive) },
      { op: '<=', value: 50 },
    ),
    compared(
      'stateAt p95, object with 1,000,000 events',
      'ms',
      'lower',
      percentile(ours, 95),
      { name: 'naive full replay p95', value: percentile(naive, 95) },
      { op: '<=', value: 50 },
    ),
  ],
})
