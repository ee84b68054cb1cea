import type { IncomingHttpHeaders } from 'node:http'
import { context as otelContext, ROOT_CONTEXT, trace, type Context, type TextMapGetter } from '@opentelemetry/api'
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core'

// W3C trace context (`traceparent`, `tracestate`) plus W3C baggage, which carries the anchored object.
const propagator = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
})

type HeaderCarrier = IncomingHttpHeaders | Record<string, string | string[] | undefined>

// Plain header objects may use any case (`Traceparent`); node:http lowercases.
const headerGetter: TextMapGetter<HeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    if (carrier[key] !== undefined) return carrier[key]
    const found = Object.keys(carrier).find((k) => k.toLowerCase() === key)
    return found === undefined ? undefined : carrier[found]
  },
}

/** The trace fields a WebSocket (or any JSON) message carries. */
export interface TraceCarrier {
  traceparent?: string
  tracestate?: string
  baggage?: string
}

export interface InjectOptions {
  /**
   * For services outside TriLog: only the `traceparent` of the current span. Baggage (TriLog's `trilog.*`
   * anchor names objects) and a caller's `tracestate` stay inside.
   */
  traceparentOnly?: boolean
}

const traceContext = new W3CTraceContextPropagator()

/** Adds `traceparent` (and `tracestate`, `baggage`) for `ctx` to `headers`; returns `headers`. */
export function injectTraceHeaders<H extends Record<string, string>>(
  headers: H,
  ctx: Context = otelContext.active(),
  options: InjectOptions = {},
): H {
  const set = {
    set: (carrier: unknown, key: string, value: string) => ((carrier as Record<string, string>)[key] = value),
  }
  if (!options.traceparentOnly) {
    propagator.inject(ctx, headers, set)
    return headers
  }
  const span = trace.getSpanContext(ctx)
  if (span) traceContext.inject(trace.setSpanContext(ROOT_CONTEXT, { ...span, traceState: undefined }), headers, set)
  return headers
}

/**
 * The context described by incoming headers, on top of `ctx`; run the handler inside it.
 *
 * @example context.with(extractTraceHeaders(req.headers), () => trilog.process('PanelExecution', run))
 */
export function extractTraceHeaders(headers: HeaderCarrier, ctx: Context = otelContext.active()): Context {
  return propagator.extract(ctx, headers, headerGetter)
}

/** A copy of `message` with the trace fields of `ctx` added. */
export function injectTraceMessage<T extends object>(
  message: T,
  ctx: Context = otelContext.active(),
): T & TraceCarrier {
  const fields = injectTraceHeaders<Record<string, string>>({}, ctx)
  return { ...message, ...fields }
}

/** The context a message's `traceparent` (and `tracestate`, `baggage`) describes, on top of `ctx`. */
export function extractTraceMessage(message: TraceCarrier, ctx: Context = otelContext.active()): Context {
  const headers: Record<string, string> = {}
  if (typeof message.traceparent === 'string') headers.traceparent = message.traceparent
  if (typeof message.tracestate === 'string') headers.tracestate = message.tracestate
  if (typeof message.baggage === 'string') headers.baggage = message.baggage
  return extractTraceHeaders(headers, ctx)
}
