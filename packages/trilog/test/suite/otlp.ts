import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createOtlpHandler, findSpans, type TrilogStore } from '../../src/index.ts'

const CONFORMANCE = fileURLToPath(new URL('../conformance/otlp/', import.meta.url))
const read = (name: string) => readFileSync(CONFORMANCE + name, 'utf8')

interface Counted {
  resourceSpans?: { scopeSpans?: { spans?: unknown[] }[] }[]
  resourceLogs?: { scopeLogs?: { logRecords?: unknown[] }[] }[]
  resourceMetrics?: { scopeMetrics?: { metrics?: Record<string, { dataPoints?: unknown[] } | string>[] }[] }[]
}
function countSpans(json: Counted): number {
  return (json.resourceSpans ?? []).flatMap((r) => r.scopeSpans ?? []).flatMap((s) => s.spans ?? []).length
}
function countLogs(json: Counted): number {
  return (json.resourceLogs ?? []).flatMap((r) => r.scopeLogs ?? []).flatMap((s) => s.logRecords ?? []).length
}
function countPoints(json: Counted): number {
  return (json.resourceMetrics ?? [])
    .flatMap((r) => r.scopeMetrics ?? [])
    .flatMap((s) => s.metrics ?? [])
    .flatMap((m) => Object.values(m).flatMap((v) => (typeof v === 'object' && v.dataPoints ? v.dataPoints : []))).length
}

/** OTLP/HTTP JSON through a real node:http server: conformance payloads, errors, and the official exporter. */
export function otlp(store: () => TrilogStore): void {
  let server: Server
  let base: string
  let small: Server
  let smallBase: string

  const listen = (s: Server) =>
    new Promise<string>((resolve) =>
      s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as { port: number }).port}`)),
    )
  beforeAll(async () => {
    server = createServer(createOtlpHandler(store()))
    base = await listen(server)
    small = createServer(createOtlpHandler(store(), { maxBodyBytes: 100 }))
    smallBase = await listen(small)
  })
  afterAll(async () => {
    await new Promise((r) => server.close(r))
    await new Promise((r) => small.close(r))
  })

  const post = async (path: string, body: string, headers: Record<string, string> = {}, at = base) => {
    const response = await fetch(at + path, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it('stores every span of trace.json with its attributes', async () => {
    const text = read('trace.json')
    expect(await post('/v1/traces', text)).toEqual({ status: 200, body: { partialSuccess: {} } })
    const spans = await findSpans(store(), { traceId: '5B8EFFF798038103D269B633813FC60C' })
    expect(spans).toHaveLength(countSpans(JSON.parse(text) as Counted))
    const [span] = spans
    expect(span).toMatchObject({
      traceId: '5b8efff798038103d269b633813fc60c',
      spanId: 'eee19b7ec3c1b174',
      parentSpanId: 'eee19b7ec3c1b173',
      name: "I'm a server span",
      kind: 2,
      startTs: 1544712660000,
      endTs: 1544712661000,
      durationUs: 1_000_000,
      service: 'my.service',
      scope: 'my.library@1.0.0',
      attrs: { 'my.span.attr': 'some value' },
      resource: { 'service.name': 'my.service' },
    })
  })

  it('stores every record of logs.json and events.json with typed attributes', async () => {
    const logs = read('logs.json')
    const events = read('events.json')
    expect((await post('/v1/logs', logs)).status).toBe(200)
    expect((await post('/v1/logs', events)).status).toBe(200)
    const rows = await store().select<{
      attrs: string
      body: string
      event_name: string
      severity_number: number
      trace_id: string
    }>(
      `SELECT attrs, body, event_name, severity_number, trace_id FROM trilog_logs WHERE service = 'my.service' ORDER BY event_name`,
    )
    expect(rows).toHaveLength(countLogs(JSON.parse(logs) as Counted) + countLogs(JSON.parse(events) as Counted))
    const plain = rows.find((r) => r.event_name === '')!
    expect(JSON.parse(plain.attrs)).toEqual({
      'string.attribute': 'some string',
      'boolean.attribute': true,
      'int.attribute': 10,
      'double.attribute': 637.704,
      'array.attribute': ['many', 'values'],
      'map.attribute': { 'some.map.key': 'some value' },
    })
    expect(JSON.parse(plain.body)).toBe('Example log record')
    expect([Number(plain.severity_number), plain.trace_id]).toEqual([10, '5b8efff798038103d269b633813fc60c'])
    const event = rows.find((r) => r.event_name === 'browser.page_view')!
    expect(JSON.parse(event.attrs)).toEqual({ 'event.attribute': 'some event attribute' })
    expect(JSON.parse(event.body)).toMatchObject({ type: 0 })
  })

  it('stores every data point of metrics.json', async () => {
    const text = read('metrics.json')
    expect((await post('/v1/metrics', text)).status).toBe(200)
    const rows = await store().select<{ name: string; type: string; point: string; attrs: string }>(
      `SELECT name, type, point, attrs FROM trilog_metrics WHERE service = 'my.service' ORDER BY name`,
    )
    expect(rows).toHaveLength(countPoints(JSON.parse(text) as Counted))
    const counter = rows.find((r) => r.name === 'my.counter')!
    expect([counter.type, JSON.parse(counter.point), JSON.parse(counter.attrs)]).toEqual([
      'sum',
      { asDouble: 5 },
      { 'my.counter.attr': 'some value' },
    ])
  })

  it('answers malformed payloads with 400 and a message, and refuses what it cannot read', async () => {
    expect(await post('/v1/traces', '{"resourceSpans": [')).toMatchObject({ status: 400, body: { code: 3 } })
    const badId = JSON.stringify({
      resourceSpans: [
        { scopeSpans: [{ spans: [{ traceId: 'zz', spanId: 'eee19b7ec3c1b174', name: 'x', startTimeUnixNano: '1' }] }] },
      ],
    })
    expect(await post('/v1/traces', badId)).toEqual({
      status: 400,
      body: {
        code: 3,
        message: 'At resourceSpans[0].scopeSpans[0].spans[0]: "zz" is not a 16-byte id in hex or base64',
      },
    })
    const noName = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }] }] }],
    })
    const missing = await post('/v1/traces', noName)
    expect(missing.status).toBe(400)
    expect(missing.body.message).toMatch(/^At resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.name: /)
    const badValue = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'a'.repeat(32),
                  spanId: 'b'.repeat(16),
                  name: 'x',
                  startTimeUnixNano: '1',
                  attributes: [{ key: 'n', value: { intValue: 'many' } }],
                },
              ],
            },
          ],
        },
      ],
    })
    expect(await post('/v1/traces', badValue)).toEqual({
      status: 400,
      body: {
        code: 3,
        message:
          'At resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue: expected an integer, got "many"',
      },
    })
    const negativeTime = JSON.stringify({
      resourceSpans: [
        {
          scopeSpans: [
            { spans: [{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'x', startTimeUnixNano: -1 }] },
          ],
        },
      ],
    })
    expect((await post('/v1/traces', negativeTime)).body.message).toMatch(
      /^At resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano: /,
    )
    expect(await post('/v1/traces', '[]')).toMatchObject({
      status: 400,
      body: { message: /^At \(root\): expected an object/ },
    })
    const badLog = JSON.stringify({
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { kvlistValue: { values: [{}] } } }] }] }],
    })
    expect(await post('/v1/logs', badLog)).toEqual({
      status: 400,
      body: {
        code: 3,
        message:
          'At resourceLogs[0].scopeLogs[0].logRecords[0].body.kvlistValue.values[0].key: expected a string, got undefined',
      },
    })
    expect((await post('/v1/traces', JSON.stringify({ resourceSpans: {} }))).body.message).toBe(
      'At resourceSpans: expected an array, got object',
    )
    expect((await post('/v1/traces', 'x', { 'content-type': 'application/x-protobuf' })).status).toBe(415)
    expect((await post('/v1/traces', read('trace.json'), {}, smallBase)).status).toBe(413)
    expect((await post('/v1/nothing', '{}')).status).toBe(404)
    expect((await fetch(`${base}/v1/traces`)).status).toBe(405)
  })

  it('receives spans from the official OTLP/HTTP exporter end to end', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'exporter-e2e' }),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }))],
    })
    const tracer = provider.getTracer('e2e')
    let traceId = ''
    tracer.startActiveSpan(
      'root',
      { attributes: { 'trilog.obj_type': 'Panel', 'trilog.obj_id': 'e2e', n: 7 } },
      (root) => {
        traceId = root.spanContext().traceId
        for (let i = 0; i < 25; i++)
          tracer.startSpan(`child-${i}`, { attributes: { i } }, trace.setSpan(ROOT_CONTEXT, root)).end()
        root.end()
      },
    )
    await provider.forceFlush()
    await provider.shutdown()
    const spans = await findSpans(store(), { traceId })
    expect(spans).toHaveLength(26)
    const root = spans.find((s) => s.name === 'root')!
    expect([root.objType, root.objId, root.attrs.n, root.service]).toEqual(['Panel', 'e2e', 7, 'exporter-e2e'])
    expect(
      spans
        .filter((s) => s.name.startsWith('child-'))
        .map((s) => s.attrs.i)
        .sort((a, b) => Number(a) - Number(b)),
    ).toEqual(Array.from({ length: 25 }, (_, i) => i))
  })
}
