import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SeverityNumber } from '@opentelemetry/api-logs'
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { ExportResultCode, type ExportResult } from '@opentelemetry/core'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, api, startTestKernel } from '../helpers.ts'

// Finding 4 of issue #11: any signed-in caller could write `snapshot`/`state_change` events anchored to
// another workspace's panel through OTLP; Alice's state?at, timeline, diff and who-changed showed the
// forgery. Records are sent with the official OTLP/HTTP exporters, as a real sender would.

type Attrs = Record<string, string | number>

/** 128 MiB of spaces in about 128 KiB of gzip (made before the kernel starts: it blocks the process). */
const BOMB = gzipSync(Buffer.alloc(128 * 1024 * 1024, ' '), { level: 9 })

/** Log records made by the OTel logs SDK and sent by the official OTLP/HTTP logs exporter with `key`. */
async function sendLogs(kernel: RunningKernel, key: string, records: Attrs[]): Promise<ExportResult> {
  const memory = new InMemoryLogRecordExporter()
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'forger' }),
    processors: [new SimpleLogRecordProcessor({ exporter: memory })],
  })
  const logger = provider.getLogger('forger')
  for (const attributes of records)
    logger.emit({ severityNumber: SeverityNumber.INFO, body: JSON.stringify({ ops: [], state: {} }), attributes })
  await provider.forceFlush()
  const exporter = new OTLPLogExporter({ url: `${kernel.url}/v1/logs`, headers: { authorization: `Bearer ${key}` } })
  const result = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedLogRecords(), resolve))
  await exporter.shutdown()
  return result
}

/** One span named `name` with `attributes`, sent by the official OTLP/HTTP trace exporter with `key`. */
async function sendSpan(kernel: RunningKernel, key: string, name: string, attributes: Attrs): Promise<ExportResult> {
  const memory = new InMemorySpanExporter()
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] })
  provider.getTracer('forger').startSpan(name, { attributes }).end()
  await provider.forceFlush()
  const exporter = new OTLPTraceExporter({
    url: `${kernel.url}/v1/traces`,
    headers: { authorization: `Bearer ${key}` },
  })
  const result = await new Promise<ExportResult>((resolve) => exporter.export(memory.getFinishedSpans(), resolve))
  await exporter.shutdown()
  return result
}

/** The 403 message the kernel answered an export with (the exporter keeps the body as `error.data`). */
function refusal(result: ExportResult): string {
  expect(result.code).toBe(ExportResultCode.FAILED)
  const error = result.error as Error & { code?: number; data?: string }
  expect(error.code).toBe(403)
  return (JSON.parse(error.data ?? '{}') as { message: string }).message
}

describe('finding 4: OTLP cannot forge history', () => {
  let kernel: RunningKernel
  let clock: { now: number }
  let alicePanel: string
  let bobKey: string
  let bobPanel: string
  let bobUser: string
  let aliceBefore: { timeline: unknown; state: unknown; who: unknown }
  // Exporters stamp records with the real time, later than the kernel's test clock: look past both.
  const at = Date.now() + 3_600_000
  const history = async (id: string, key?: string) => ({
    timeline: (await api(kernel, 'GET', `/api/panels/${id}/timeline`, undefined, key)).body,
    state: (await api(kernel, 'GET', `/api/panels/${id}/state?at=${at}`, undefined, key)).body,
    who: (await api(kernel, 'GET', `/api/panels/${id}/who-changed?path=/count`, undefined, key)).body,
  })

  beforeAll(async () => {
    ;({ kernel, clock } = await startTestKernel())
    alicePanel = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
    clock.now += 1000
    await api(kernel, 'POST', `/api/panels/${alicePanel}/trigger`, { tool: 'increment', args: { step: 2 } })
    const bob = { email: 'bob@example.com', password: 'Bob keeps a long passphrase 42', name: 'Bob' }
    const session = (await api(kernel, 'POST', '/api/auth/register', bob, null)).body
    bobUser = session.user.id
    bobKey = (await api(kernel, 'POST', '/api/keys', { name: 'otlp' }, session.accessToken)).body.key
    bobPanel = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER }, bobKey)).body.id
    aliceBefore = await history(alicePanel)
    expect(aliceBefore.state).toMatchObject({ state: { count: 2 } })
  })
  afterAll(async () => {
    await kernel.close()
  })

  it("refuses Bob's snapshot and state_change anchored to Alice's panel; her history is unchanged", async () => {
    clock.now += 1000
    for (const kind of ['snapshot', 'state_change', 'custom_note']) {
      const result = await sendLogs(kernel, bobKey, [
        { 'trilog.obj_type': 'Panel', 'trilog.obj_id': alicePanel, 'trilog.kind': kind, 'trilog.seq': 99 },
      ])
      const message = refusal(result)
      expect(message).toContain(alicePanel)
      expect(message).toContain('nothing from this request was stored')
    }
    // A span anchored to her panel is refused too, with why.
    expect(
      refusal(await sendSpan(kernel, bobKey, 'probe', { 'trilog.obj_type': 'Panel', 'trilog.obj_id': alicePanel })),
    ).toBe(`Panel "${alicePanel}": no such object in a workspace you belong to; nothing from this request was stored`)
    expect(await history(alicePanel)).toEqual(aliceBefore)
  })

  it('refuses the whole request when one record of many is not allowed (no silent partial success)', async () => {
    const before = await api(kernel, 'GET', `/api/panels/${bobPanel}/timeline`, undefined, bobKey)
    const mixed = [
      { 'trilog.obj_type': 'Panel', 'trilog.obj_id': bobPanel, 'trilog.kind': 'note' },
      { 'trilog.obj_type': 'Panel', 'trilog.obj_id': alicePanel, 'trilog.kind': 'note' },
    ]
    expect(refusal(await sendLogs(kernel, bobKey, mixed))).toContain(`Panel "${alicePanel}"`)
    expect(await api(kernel, 'GET', `/api/panels/${bobPanel}/timeline`, undefined, bobKey)).toEqual(before)
  })

  it('lets Bob write a kind of his own to his own panel, workspace and user', async () => {
    const me = (await api(kernel, 'GET', '/api/me', undefined, bobKey)).body
    const result = await sendLogs(kernel, bobKey, [
      { 'trilog.obj_type': 'Panel', 'trilog.obj_id': bobPanel, 'trilog.kind': 'deploy_note', 'trilog.seq': 1 },
      { 'trilog.obj_type': 'Workspace', 'trilog.obj_id': me.workspaces[0].id, 'trilog.kind': 'deploy_note' },
      { 'trilog.obj_type': 'User', 'trilog.obj_id': bobUser, 'trilog.kind': 'deploy_note' },
    ])
    expect(result).toEqual({ code: ExportResultCode.SUCCESS })
    const timeline = (await api(kernel, 'GET', `/api/panels/${bobPanel}/timeline`, undefined, bobKey)).body
    expect(timeline.entries.map((e: { kind: string }) => e.kind)).toContain('deploy_note')
    expect(await sendSpan(kernel, bobKey, 'deploy', { 'trilog.obj_type': 'Panel', 'trilog.obj_id': bobPanel })).toEqual(
      {
        code: ExportResultCode.SUCCESS,
      },
    )
  })

  it("refuses the kernel's reserved kinds and span names even on the sender's own panel", async () => {
    const before = await history(bobPanel, bobKey)
    for (const kind of ['snapshot', 'state_change', 'trigger_failed', 'handler_run'])
      expect(
        refusal(
          await sendLogs(kernel, bobKey, [
            { 'trilog.obj_type': 'Panel', 'trilog.obj_id': bobPanel, 'trilog.kind': kind },
          ]),
        ),
      ).toBe(
        `trilog.kind "${kind}" on Panel "${bobPanel}" is recorded only by the Nexus kernel; use a kind of your own; nothing from this request was stored`,
      )
    // PanelExecution spans feed anomaly baselines: not even unanchored ones are taken from senders.
    expect(refusal(await sendSpan(kernel, bobKey, 'PanelExecution', { tool: `${alicePanel}/increment` }))).toContain(
      'recorded only by the Nexus kernel',
    )
    expect(await history(bobPanel, bobKey)).toEqual(before)
  })

  it('refuses other users and kernel-only object types', async () => {
    const owner = (await api(kernel, 'GET', '/api/me')).body.user.id
    expect(
      refusal(
        await sendLogs(kernel, bobKey, [{ 'trilog.obj_type': 'User', 'trilog.obj_id': owner, 'trilog.kind': 'x' }]),
      ),
    ).toBe(`User "${owner}": you may write only to yourself; nothing from this request was stored`)
    const connection = [{ 'trilog.obj_type': 'WebSocketConnection', 'trilog.obj_id': 'c1', 'trilog.kind': 'x' }]
    expect(refusal(await sendLogs(kernel, bobKey, connection))).toContain('written only by the Nexus kernel')
  })

  it('bounds the ingest: gzip bombs, deep attribute values and oversized batches are refused', async () => {
    const post = async (path: string, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string> = {}) => {
      const res = await fetch(kernel.url + path, {
        method: 'POST',
        body,
        headers: { authorization: `Bearer ${bobKey}`, 'content-type': 'application/json', ...headers },
      })
      return { status: res.status, body: (await res.json()) as { code: number; message: string } }
    }
    expect(BOMB.length).toBeLessThan(128 * 1024)
    expect((await post('/v1/logs', new Uint8Array(BOMB), { 'content-encoding': 'gzip' })).status).toBe(413)
    // 5,000 nested arrays: the converter recursed once per level and overflowed the stack.
    const value = '{"arrayValue":{"values":['.repeat(5000) + '{"stringValue":"deep"}' + ']}}'.repeat(5000)
    const answer = await post('/v1/logs', `{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":${value}}]}]}]}`)
    expect(answer.status).toBe(400)
    expect(answer.body.message).toMatch(
      /^At resourceLogs\[0\]\.scopeLogs\[0\]\.logRecords\[0\]\.body.*values nest deeper than 16 levels$/,
    )
    const many = { resourceLogs: [{ scopeLogs: [{ logRecords: Array.from({ length: 10_001 }, () => ({})) }] }] }
    expect(await post('/v1/logs', JSON.stringify(many))).toEqual({
      status: 413,
      body: { code: 8, message: 'The request carries more than 10000 log records; send smaller batches' },
    })
    const metrics = `{"resourceMetrics":${'['.repeat(5000)}${']'.repeat(5000)}}`
    expect(await post('/v1/metrics', metrics)).toEqual({
      status: 400,
      body: { code: 3, message: 'The body nests deeper than 48 levels' },
    })
    expect((await api(kernel, 'GET', '/healthz', undefined, null)).status).toBe(200)
  })
})
