import type { Json } from './json.ts'

// TriLog's answers over HTTP (`/api/panels/:id/timeline`, `/anomalies`): what the kernel sends and the studio reads.

/** One line of an object's timeline. */
export interface TimelineEntry {
  ts: number
  seq: number
  kind: string
  traceId: string
  /** One human line: `increment: replace /count`. */
  summary: string
  attrs: Json
}

/** A tool's handler runs summed up: how many, how long (median and spread), how often they failed. */
export interface ToolBaseline {
  tool: string
  count: number
  medianMs: number
  /** Median absolute deviation of the latency, ms. */
  madMs: number
  errorRate: number
}

export type AnomalyFlag =
  | { kind: 'latency'; tool: string; ts: number; durationMs: number; score: number; traceId: string }
  | { kind: 'error_rate'; tool: string; recentRate: number; baselineRate: number; recentCount: number }
