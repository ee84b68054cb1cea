import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import {
  causeOf,
  extractTraceHeaders,
  extractTraceMessage,
  injectTraceHeaders,
  injectTraceMessage,
  nexusRegistry,
  Trilog,
  type TrilogStore,
} from '../../src/index.ts'

/** The SDK: anchor through async calls, state changes tied to process spans, W3C propagation. */
export function sdk(store: () => TrilogStore): void {
  let trilog: Trilog
  let now = 1_730_000_000_000
  beforeAll(() => {
    trilog = Trilog.start({ store: store(), spanProcessor: 'simple', registry: nexusRegistry(), clock: () => now++ })
  })
  afterAll(async () => {
    await trilog.shutdown()
  })

  it('anchors an object across awaits and ties its state change to the process trace', async () => {
    let traceId = ''
    await trilog.anchor({ type: 'Panel', id: 'sdk-1' }, async () => {
      trilog.snapshot({ count: 0 }, 0)
      await trilog.process(
        'PanelExecution',
        async (span) => {
          traceId = span.spanContext().traceId
          await new Promise((r) => setTimeout(r, 5))
          await trilog.process('sandbox', async () => {
            await Promise.resolve()
            expect(trilog.currentObject()).toEqual({ type: 'Panel', id: 'sdk-1' })
          })
          trilog.stateChange([{ op: 'replace', path: '/count', value: 1 }], {
            version: 1,
            tool: 'increment',
            args: { step: 1 },
            seed: 7,
            now: 123,
            actor: 'u1',
          })
        },
        { tool: 'increment' },
      )
    })
    await trilog.flush()
    expect(await store().stateAt('Panel', 'sdk-1', now)).toEqual({ count: 1 })
    const cause = await causeOf(store(), 'Panel', 'sdk-1', now)
    expect(cause?.change.traceId).toBe(traceId)
    expect(cause?.change.attrs).toEqual({
      ops: [{ op: 'replace', path: '/count', value: 1 }],
      version: 1,
      tool: 'increment',
      args: { step: 1 },
      seed: 7,
      now: 123,
      actor: 'u1',
    })
    const spans = cause!.spans
    expect(spans.map((s) => s.name).sort()).toEqual(['PanelExecution', 'sandbox'])
    const root = spans.find((s) => s.name === 'PanelExecution')!
    const child = spans.find((s) => s.name === 'sandbox')!
    expect([root.objType, root.objId, root.attrs.tool, child.parentSpanId]).toEqual([
      'Panel',
      'sdk-1',
      'increment',
      root.spanId,
    ])
  })

  it('marks a failing step as an error span and refuses events the schema rejects', async () => {
    const before = trilog.invalid
    await trilog.anchor({ type: 'Panel', id: 'sdk-2' }, async () => {
      await expect(trilog.process('PanelExecution', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
      trilog.event('trigger_failed', { tool: 'save', error: { code: 'SANDBOX_TIMEOUT' } })
      trilog.event('no_such_event', {})
      trilog.stateChange([{ op: 'jump', path: '/x' } as never])
    })
    trilog.event('outside_anchor')
    expect(trilog.invalid - before).toBe(3)
    await trilog.flush()
    expect((await store().events('Panel', 'sdk-2')).map((e) => e.kind)).toEqual(['trigger_failed'])
  })

  it('logs a dropped event (the first of each kind) instead of dropping it silently', () => {
    const warnings: string[] = []
    const warn = vi.spyOn(console, 'warn').mockImplementation((line: string) => void warnings.push(line))
    try {
      const before = trilog.invalid
      trilog.anchor({ type: 'Panel', id: 'sdk-2b' }, () => {
        trilog.event('not_declared_either', { a: 1 })
        trilog.event('not_declared_either', { a: 2 })
        trilog.event('trigger_failed', { tool: 'save' })
      })
      expect(trilog.invalid - before).toBe(3)
      expect(warnings).toEqual([
        '[trilog] event dropped: Panel has no event "not_declared_either"; later ones like it are counted in Trilog.invalid, not logged',
        expect.stringMatching(/^\[trilog\] event dropped: At Panel\.trigger_failed\.error: /),
      ])
      expect(trilog.lastInvalid).toMatch(/^At Panel\.trigger_failed\.error: /)
    } finally {
      warn.mockRestore()
    }
  })

  it('propagates trace context and the anchor through HTTP headers and WebSocket messages', async () => {
    let outgoing: Record<string, string> = {}
    let message: { type: string; traceparent?: string } = { type: 'trigger' }
    let parent = ''
    let traceId = ''
    await trilog.anchor({ type: 'Panel', id: 'sdk-3' }, () =>
      trilog.process('client', (span) => {
        traceId = span.spanContext().traceId
        parent = span.spanContext().spanId
        outgoing = injectTraceHeaders({ 'content-type': 'application/json' })
        message = injectTraceMessage({ type: 'trigger' })
      }),
    )
    expect(outgoing.traceparent).toBe(`00-${traceId}-${parent}-01`)
    expect(message.traceparent).toBe(outgoing.traceparent)
    expect(outgoing.baggage).toContain('trilog.obj_id=sdk-3')
    for (const remote of [
      extractTraceHeaders({ Traceparent: outgoing.traceparent!, baggage: outgoing.baggage! }, ROOT_CONTEXT),
      extractTraceMessage(message as never, ROOT_CONTEXT),
    ]) {
      expect(trace.getSpanContext(remote)?.traceId).toBe(traceId)
    }
    const remote = extractTraceHeaders(outgoing, ROOT_CONTEXT)
    const seen = await context.with(remote, () =>
      trilog.process('server', (span) => ({ object: trilog.currentObject(), traceId: span.spanContext().traceId })),
    )
    expect(seen).toEqual({ object: { type: 'Panel', id: 'sdk-3' }, traceId })
  })
}
