import type { AnomalyFlag, JsonObject, ToolBaseline } from '@nexus/protocol'
import { findSpans } from './history.ts'
import { uint } from './sql.ts'
import type { TrilogStore } from './TrilogStore.ts'

/** One handler run: which tool, when, how long, whether it failed. */
export interface ToolSample {
  tool: string
  ts: number
  durationMs: number
  error: boolean
  traceId: string
}

export interface AnomalyOptions {
  /** Modified z-score (|x − median| / (1.4826·MAD)) above which a run is flagged. Default 3.5. */
  threshold?: number
  /** Samples at or after this time (ms) form the "recent" window compared with the earlier baseline. */
  recentFrom?: number
  /** Fewest samples of a tool before it is judged. Default 10. */
  minSamples?: number
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length === 0 ? 0 : s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}

/**
 * Per-tool latency baselines (median and MAD, robust to the outliers being looked for) and error rates, with
 * flags on runs whose latency is an outlier and on tools whose recent error rate exceeds the baseline by
 * three binomial standard deviations.
 */
export function detectAnomalies(
  samples: readonly ToolSample[],
  options: AnomalyOptions = {},
): { baselines: ToolBaseline[]; flags: AnomalyFlag[] } {
  const { threshold = 3.5, minSamples = 10, recentFrom } = options
  const byTool = new Map<string, ToolSample[]>()
  for (const s of samples) {
    const runs = byTool.get(s.tool)
    if (runs) runs.push(s)
    else byTool.set(s.tool, [s])
  }
  const baselines: ToolBaseline[] = []
  const flags: AnomalyFlag[] = []
  for (const [tool, runs] of [...byTool].sort(([a], [b]) => a.localeCompare(b))) {
    const ok = runs.filter((r) => !r.error).map((r) => r.durationMs)
    const med = median(ok)
    const mad = median(ok.map((d) => Math.abs(d - med)))
    const errors = runs.filter((r) => r.error).length
    baselines.push({ tool, count: runs.length, medianMs: med, madMs: mad, errorRate: errors / runs.length })
    if (runs.length < minSamples) continue
    // A floor on the scale keeps a perfectly steady tool (MAD 0) from flagging 1 ms of jitter.
    const scale = Math.max(1.4826 * mad, 0.05 * med, 1)
    for (const r of runs) {
      const score = (r.durationMs - med) / scale
      if (!r.error && score > threshold) {
        flags.push({
          kind: 'latency',
          tool,
          ts: r.ts,
          durationMs: r.durationMs,
          score: Math.round(score * 100) / 100,
          traceId: r.traceId,
        })
      }
    }
    if (recentFrom === undefined) continue
    const before = runs.filter((r) => r.ts < recentFrom)
    const recent = runs.filter((r) => r.ts >= recentFrom)
    if (before.length < minSamples || recent.length < Math.min(5, minSamples)) continue
    const p = before.filter((r) => r.error).length / before.length
    const q = recent.filter((r) => r.error).length / recent.length
    const sigma = Math.sqrt((Math.max(p, 0.01) * (1 - Math.max(p, 0.01))) / recent.length)
    if (q > p + 3 * sigma)
      flags.push({ kind: 'error_rate', tool, recentRate: q, baselineRate: p, recentCount: recent.length })
  }
  return { baselines, flags }
}

/**
 * Handler runs between `from` and `to`: `PanelExecution` spans (attribute `tool`, error status), plus the
 * kernel's `state_change`/`trigger_failed` events (`tool`, `durationMs`) whose trace has no such span.
 */
export async function toolSamples(store: TrilogStore, from: number, to: number): Promise<ToolSample[]> {
  await store.flush()
  const spans = await findSpans(store, { name: 'PanelExecution', from, to, limit: 1_000_000 })
  const samples: ToolSample[] = []
  const traced = new Set<string>()
  for (const s of spans) {
    const tool = s.attrs.tool ?? s.attrs['nexus.tool']
    if (typeof tool !== 'string') continue
    traced.add(s.traceId)
    samples.push({
      tool,
      ts: s.startTs,
      durationMs: s.durationUs / 1000,
      error: s.statusCode === 2,
      traceId: s.traceId,
    })
  }
  const rows = await store.eventRows(
    `kind IN ('state_change', 'trigger_failed') AND ts >= ${uint(from)} AND ts <= ${uint(to)}`,
  )
  for (const row of rows) {
    if (row.trace_id && traced.has(row.trace_id)) continue
    const attrs = JSON.parse(row.attrs) as JsonObject
    if (typeof attrs.tool !== 'string') continue
    const durationMs = typeof attrs.durationMs === 'number' ? attrs.durationMs : 0
    samples.push({
      tool: attrs.tool,
      ts: row.ts,
      durationMs,
      error: row.kind === 'trigger_failed',
      traceId: row.trace_id,
    })
  }
  return samples
}

/** `detectAnomalies` over the handler runs stored between `from` and `to`. */
export async function findAnomalies(store: TrilogStore, from: number, to: number, options: AnomalyOptions = {}) {
  return detectAnomalies(await toolSamples(store, from, to), options)
}
