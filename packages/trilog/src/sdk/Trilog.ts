import {
  context as otelContext,
  propagation,
  createContextKey,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base'
import type { Json, JsonObject, PatchOp } from '@nexus/protocol'
import type { TrilogEvent } from '../events.ts'
import { OBJ_ID_ATTR, OBJ_TYPE_ATTR } from '../otlp/convert.ts'
import type { TrilogRegistry } from '../schema/registry.ts'
import type { TrilogStore } from '../TrilogStore.ts'
import { AsyncLocalStorageContextManager } from './contextManager.ts'
import { TrilogSpanExporter } from './exporter.ts'

/** The object events are anchored to. */
export interface ObjectRef {
  type: string
  id: string
}

export interface TrilogSdkOptions {
  store: TrilogStore
  serviceName?: string
  /**
   * When given, events that do not match the schema are dropped, counted in `invalid` and logged (the first of
   * each object type and kind; later ones are only counted).
   */
  registry?: TrilogRegistry
  clock?: () => number
  /** `batch` (default) bounds memory at `maxQueueSize` spans; `simple` writes each span as it ends. */
  spanProcessor?: 'batch' | 'simple'
  maxQueueSize?: number
}

/** What a state change keeps for re-execution and attribution. */
export interface StateChangeDetails {
  /** The object's state version after the change (the event's `seq`); counted per object when absent. */
  version?: number
  tool?: string
  args?: Json
  seed?: number
  now?: number
  actor?: string
  durationMs?: number
}

const OBJECT_KEY = createContextKey('trilog.object')

/**
 * TriLog's SDK: `anchor` an object for everything a function does (across `await`), log state changes and
 * events against it, and run process steps as OTel spans whose trace id ties them to the changes.
 *
 * Built on `@opentelemetry/sdk-trace-base` with an AsyncLocalStorage context manager rather than
 * `@opentelemetry/sdk-node`: NodeSDK configures exporters from environment variables and loads gRPC/protobuf
 * exporters TriLog never uses; a tracer, a context manager and W3C propagators are all it needs.
 */
export class Trilog {
  readonly tracer: Tracer
  /** Events refused by the registry (or logged outside `anchor()`). */
  invalid = 0
  lastInvalid: string | undefined
  private readonly warnedInvalid = new Set<string>()
  private readonly provider: BasicTracerProvider
  private readonly exporter: TrilogSpanExporter
  private readonly versions = new Map<string, number>()
  private readonly clock: () => number

  private constructor(private readonly options: TrilogSdkOptions) {
    this.clock = options.clock ?? Date.now
    this.exporter = new TrilogSpanExporter(options.store)
    const processor: SpanProcessor =
      options.spanProcessor === 'simple'
        ? new SimpleSpanProcessor(this.exporter)
        : new BatchSpanProcessor(this.exporter, {
            maxQueueSize: options.maxQueueSize ?? 2048,
            scheduledDelayMillis: 200,
          })
    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'nexus' }),
      spanProcessors: [processor],
    })
    this.tracer = this.provider.getTracer('@nexus/trilog')
  }

  /** Starts the SDK; installs an AsyncLocalStorage context manager unless one is already registered. */
  static start(options: TrilogSdkOptions): Trilog {
    otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager()) // no-op if one exists
    return new Trilog(options)
  }

  /** Events plus spans lost because the store was down or the buffer full. */
  get dropped(): number {
    return this.options.store.dropped + this.exporter.dropped
  }

  /** Runs `fn` with `object` anchored: nested calls, awaits and outgoing requests (baggage) inherit it. */
  anchor<T>(object: ObjectRef, fn: () => T): T {
    const active = otelContext.active()
    const bag = (propagation.getBaggage(active) ?? propagation.createBaggage())
      .setEntry(OBJ_TYPE_ATTR, { value: object.type })
      .setEntry(OBJ_ID_ATTR, { value: object.id })
    const ctx = propagation.setBaggage(active.setValue(OBJECT_KEY, object), bag)
    return otelContext.with(ctx, fn)
  }

  /** The anchored object: from `anchor`, or from baggage that came in with a request or message. */
  currentObject(ctx: Context = otelContext.active()): ObjectRef | undefined {
    const local = ctx.getValue(OBJECT_KEY) as ObjectRef | undefined
    if (local) return local
    const bag = propagation.getBaggage(ctx)
    const type = bag?.getEntry(OBJ_TYPE_ATTR)?.value
    const id = bag?.getEntry(OBJ_ID_ATTR)?.value
    return type && id ? { type, id } : undefined
  }

  /** Logs RFC 6902 ops applied to the anchored object; never throws, never waits. */
  stateChange(ops: readonly PatchOp[], details: StateChangeDetails = {}): void {
    this.record(this.stateChangeEvent(ops, details))
  }

  /**
   * The `state_change` event `stateChange` would log, built (timestamp, trace id, checked) but not recorded:
   * the kernel stores it in its outbox in the transaction of the change, and relays it with `TrilogStore.writeNow`.
   * `undefined` when outside `anchor()` or refused by the registry (counted in `invalid`).
   */
  stateChangeEvent(ops: readonly PatchOp[], details: StateChangeDetails = {}): TrilogEvent | undefined {
    const attrs: JsonObject = { ops: ops as unknown as Json[] }
    for (const [key, value] of Object.entries(details)) if (value !== undefined) attrs[key] = value as Json
    return this.build('state_change', attrs, details.version)
  }

  /** Logs the anchored object's full state (a replay starts from the last one). */
  snapshot(state: JsonObject, version?: number): void {
    this.record(this.snapshotEvent(state, version))
  }

  /** The `snapshot` event `snapshot` would log, built but not recorded (see `stateChangeEvent`). */
  snapshotEvent(state: JsonObject, version?: number): TrilogEvent | undefined {
    return this.build('snapshot', { state }, version)
  }

  /** Logs a named event on the anchored object. */
  event(name: string, attrs: JsonObject = {}): void {
    this.record(this.build(name, attrs, undefined))
  }

  private record(event: TrilogEvent | undefined): void {
    if (event) this.options.store.record([event])
  }

  private build(kind: string, attrs: JsonObject, version: number | undefined): TrilogEvent | undefined {
    const object = this.currentObject()
    if (!object) {
      this.refuse(
        `(no object) ${kind}`,
        `"${kind}" logged outside anchor(); wrap the call in trilog.anchor(object, fn)`,
      )
      return undefined
    }
    const key = `${object.type}\u0000${object.id}`
    const seq = version ?? (kind === 'state_change' ? (this.versions.get(key) ?? 0) + 1 : (this.versions.get(key) ?? 0))
    if (kind === 'state_change' || kind === 'snapshot') this.versions.set(key, seq)
    if (this.versions.size > 100_000) this.versions.clear() // bounded; seq only orders events within one ms
    const span = trace.getSpan(otelContext.active())
    const traceId = span?.spanContext().traceId
    const event: TrilogEvent = { objType: object.type, objId: object.id, ts: this.clock(), seq, kind, attrs }
    if (traceId) event.traceId = traceId
    if (this.options.registry) {
      const checked = this.options.registry.validate(event)
      if (!checked.ok) {
        this.refuse(`${object.type} ${kind}`, checked.error.message)
        return undefined
      }
    }
    return event
  }

  /** Counts a dropped event and logs the first one of each kind, so a schema mismatch is never silent. */
  private refuse(key: string, message: string): void {
    this.invalid++
    this.lastInvalid = message
    if (this.warnedInvalid.has(key) || this.warnedInvalid.size >= 1_000) return
    this.warnedInvalid.add(key)
    console.warn(`[trilog] event dropped: ${message}; later ones like it are counted in Trilog.invalid, not logged`)
  }

  /**
   * Runs `fn` as a process step: a span (child of the active one, or of a context extracted from a request
   * or message) that carries the anchored object and ends when `fn` settles; a throw marks it as an error.
   */
  async process<T>(name: string, fn: (span: Span) => T | Promise<T>, attributes: Attributes = {}): Promise<T> {
    const object = this.currentObject()
    const attrs: Attributes = object
      ? { [OBJ_TYPE_ATTR]: object.type, [OBJ_ID_ATTR]: object.id, ...attributes }
      : attributes
    return this.tracer.startActiveSpan(name, { attributes: attrs }, async (span) => {
      try {
        return await fn(span)
      } catch (error) {
        span.recordException(error as Error)
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message })
        throw error
      } finally {
        span.end()
      }
    })
  }

  /** Writes buffered events and spans. */
  async flush(): Promise<void> {
    await this.provider.forceFlush()
    await this.exporter.forceFlush()
    await this.options.store.flush()
  }

  /** Flushes and stops the tracer (the store stays open: its owner closes it). */
  async shutdown(): Promise<void> {
    await this.flush().catch(() => undefined)
    await this.provider.shutdown()
  }
}
