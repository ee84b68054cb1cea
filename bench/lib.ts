import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'

export interface Metric {
  name: string
  unit: string
  value: number
  better: 'lower' | 'higher'
  peer: { name: string; value: number } | null
  ratio: number | null
  goal: { op: '<=' | '>='; ratio?: number; value?: number }
  /** When measured, if not in the run the file's `date` names (rows kept by `saveMerged`). */
  date?: string
}

export interface BenchResult {
  name: string
  date: string
  machine: string
  metrics: Metric[]
}

export const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url))

export function machine(): string {
  return `${cpus().length} cores, Node ${process.versions.node}`
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

/** A metric compared with a peer measured in the same run. */
export function compared(
  name: string,
  unit: string,
  better: 'lower' | 'higher',
  value: number,
  peer: { name: string; value: number },
  goal: Metric['goal'],
): Metric {
  return {
    name,
    unit,
    better,
    value: round(value),
    peer: { ...peer, value: round(peer.value) },
    ratio: round(value / peer.value),
    goal,
  }
}

export function round(n: number): number {
  return Math.round(n * 1000) / 1000
}

/** Replaces `metrics` (by name) in the stored `<name>.json`, keeping the rest: for runs of one part of a bench. */
export function saveMerged(name: string, metrics: Metric[]): void {
  const file = `${RESULTS_DIR}${name}.json`
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BenchResult) : undefined
  const fresh = new Set(metrics.map((m) => m.name))
  const kept = (stored?.metrics ?? []).filter((m) => !fresh.has(m.name)).map((m) => ({ date: stored?.date, ...m }))
  save({ name, date: new Date().toISOString(), machine: machine(), metrics: [...kept, ...metrics] })
}

export function save(result: BenchResult): void {
  writeFileSync(`${RESULTS_DIR}${result.name}.json`, JSON.stringify(result, null, 2) + '\n')
  console.table(
    result.metrics.map((m) => ({
      metric: m.name,
      unit: m.unit,
      value: m.value,
      peer: m.peer?.name ?? '-',
      'peer value': m.peer?.value ?? '-',
      ratio: m.ratio ?? '-',
    })),
  )
}
