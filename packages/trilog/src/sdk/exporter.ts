import { ExportResultCode, hrTimeToMicroseconds, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core'
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base'
import type { Json, JsonObject } from '@nexus/protocol'
import type { SpanRow } from '../events.ts'
import { OBJ_ID_ATTR, OBJ_TYPE_ATTR } from '../otlp/convert.ts'
import type { TrilogStore } from '../TrilogStore.ts'

/**
 * Writes finished spans into the TriLog store. Behind a `BatchSpanProcessor` memory is bounded by its
 * `maxQueueSize` (spans past it are dropped by the processor); spans the store refuses are counted here.
 */
export class TrilogSpanExporter implements SpanExporter {
  /** Spans lost because the store refused a write. */
  dropped = 0
  lastError: Error | undefined
  private pending = new Set<Promise<void>>()

  constructor(private readonly store: TrilogStore) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const write = this.store.insertSpans(spans.map(spanToRow)).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (error: unknown) => {
        this.dropped += spans.length
        this.lastError = error as Error
        resultCallback({ code: ExportResultCode.FAILED, error: error as Error })
      },
    )
    this.pending.add(write)
    void write.finally(() => this.pending.delete(write))
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending)
  }

  async shutdown(): Promise<void> {
    await this.forceFlush()
  }
}

/** An SDK span as a stored row (OTLP's numbering: span kind + 1, status code as is). */
export function spanToRow(span: ReadableSpan): SpanRow {
  const attrs = span.attributes as JsonObject
  const resource = span.resource.attributes as Record<string, Json>
  const parent = span.parentSpanContext
  return {
    trace_id: span.spanContext().traceId,
    span_id: span.spanContext().spanId,
    parent_span_id: parent?.spanId ?? '',
    name: span.name,
    kind: span.kind + 1,
    start_ts: Math.floor(hrTimeToMilliseconds(span.startTime)),
    end_ts: Math.floor(hrTimeToMilliseconds(span.endTime)),
    duration_us: Math.max(0, Math.round(hrTimeToMicroseconds(span.duration))),
    status_code: span.status.code,
    status_message: span.status.message ?? '',
    service: typeof resource['service.name'] === 'string' ? resource['service.name'] : '',
    scope: span.instrumentationScope.name,
    obj_type: typeof attrs[OBJ_TYPE_ATTR] === 'string' ? attrs[OBJ_TYPE_ATTR] : '',
    obj_id: typeof attrs[OBJ_ID_ATTR] === 'string' ? attrs[OBJ_ID_ATTR] : '',
    attrs: JSON.stringify(attrs),
    events: JSON.stringify(
      span.events.map((e) => ({
        ts: Math.floor(hrTimeToMilliseconds(e.time)),
        name: e.name,
        attrs: (e.attributes ?? {}) as JsonObject,
      })),
    ),
    links: JSON.stringify(
      span.links.map((l) => ({
        traceId: l.context.traceId,
        spanId: l.context.spanId,
        attrs: (l.attributes ?? {}) as JsonObject,
      })),
    ),
    resource: JSON.stringify(resource),
  }
}
