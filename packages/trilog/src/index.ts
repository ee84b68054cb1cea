// TriLog's answers over HTTP are @nexus/protocol types: the kernel sends them and the studio reads them.
export type { AnomalyFlag, TimelineEntry, ToolBaseline } from '@nexus/protocol'
export type { AnomalyOptions, ToolSample } from './anomalies.ts'
export { detectAnomalies, findAnomalies, toolSamples } from './anomalies.ts'
export { TrilogError } from './errors.ts'
export type {
  EventRow,
  LogRow,
  MetricRow,
  SnapshotRow,
  SpanRow,
  StateChangeAttrs,
  StoredSpan,
  TrilogEvent,
  TrilogEventKind,
} from './events.ts'
export type { ChangeAttribution, SpanQuery, TimelineOptions, TimelinePage } from './history.ts'
export { causeOf, diffStates, findSpans, processSpans, summarize, timeline, whoChanged } from './history.ts'
export { jsonDiff, pointersOverlap } from './jsonDiff.ts'
export { appliedVersions, migrate } from './migrate.ts'
export { KERNEL_EVENT_KINDS, KERNEL_SPAN_NAMES } from './events.ts'
export type { OtlpAuthorize } from './otlp/authorize.ts'
export type { OtlpAnchor } from './otlp/convert.ts'
export type { OtlpHandler, OtlpHandlerOptions } from './otlp/handler.ts'
export { createOtlpHandler } from './otlp/handler.ts'
export { fromAnyValue, fromAttributes, logsFromOtlp, metricsFromOtlp, spansFromOtlp } from './otlp/convert.ts'
export { MAX_SKIPPED_REASONS, replay, replayState } from './reconstruct.ts'
export type { ReplayResult, SkippedChange } from './reconstruct.ts'
export type { Definition, ObjectDefinition, ProcessDefinition } from './schema/define.ts'
export { defineObject, defineProcess } from './schema/define.ts'
export type { RegistryJson, ValidationResult } from './schema/registry.ts'
export { StateChangeSchema, TrilogRegistry } from './schema/registry.ts'
export { nexusRegistry } from './schema/nexus.ts'
export { AsyncLocalStorageContextManager } from './sdk/contextManager.ts'
export { TrilogSpanExporter, spanToRow } from './sdk/exporter.ts'
export type { TraceCarrier } from './sdk/propagation.ts'
export { extractTraceHeaders, extractTraceMessage, injectTraceHeaders, injectTraceMessage } from './sdk/propagation.ts'
export type { ObjectRef, StateChangeDetails, TrilogSdkOptions } from './sdk/Trilog.ts'
export { Trilog } from './sdk/Trilog.ts'
export type { StateAtOptions, TrilogStoreOptions } from './TrilogStore.ts'
export { TrilogStore } from './TrilogStore.ts'
export { MIGRATIONS } from './sql.ts'
