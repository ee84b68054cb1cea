import type { AnomalyFlag, Json, JsonObject, PatchOp, TimelineEntry } from '@nexus/protocol'

/** What a point on the track stands for. */
export type MomentKind = 'created' | 'change' | 'failure'

/** One point of the scrubber: a change of state, the creation, or a failed run (which changed nothing). */
export interface Moment {
  /** Unique on the track: `<ts>-<seq>-<kind>`. */
  key: string
  ts: number
  seq: number
  kind: MomentKind
  traceId: string
  /** The tool as the panel names it, or a label for the kernel's own writers (NXML edit, bound input). */
  tool: string | undefined
  args: Json | undefined
  ops: PatchOp[]
  actor: string | undefined
  error: { code: string; message: string } | undefined
  durationMs: number | undefined
  summary: string
}

const KINDS: Record<string, MomentKind> = { created: 'created', state_change: 'change', trigger_failed: 'failure' }

/** The kernel's own writers, as a person reads them; a replay re-runs only a real tool's handler. */
export const KERNEL_TOOLS: Record<string, string> = { $edit: 'NXML edit', $bind: 'bound input' }

function asObject(value: Json): JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {}
}

/** The timeline's entries the track shows, oldest first (handler runs and snapshots are not moments). */
export function toMoments(entries: readonly TimelineEntry[]): Moment[] {
  const moments: Moment[] = []
  for (const entry of entries) {
    const kind = KINDS[entry.kind]
    if (!kind) continue
    const a = asObject(entry.attrs)
    const error = asObject(a.error ?? null)
    moments.push({
      key: `${entry.ts}-${entry.seq}-${entry.kind}`,
      ts: entry.ts,
      seq: entry.seq,
      kind,
      traceId: entry.traceId,
      tool: typeof a.tool === 'string' ? a.tool : undefined,
      args: a.args,
      ops: Array.isArray(a.ops) ? (a.ops as unknown as PatchOp[]) : [],
      actor: typeof a.actor === 'string' ? a.actor : undefined,
      error:
        kind === 'failure'
          ? { code: typeof error.code === 'string' ? error.code : 'ERROR', message: String(error.message ?? '') }
          : undefined,
      durationMs: typeof a.durationMs === 'number' ? a.durationMs : undefined,
      summary: entry.summary,
    })
  }
  return moments.sort((x, y) => x.ts - y.ts || x.seq - y.seq)
}

/** Whether a replay route can re-run this moment: a change or a failed run of a tool's handler. */
export function replayable(moment: Moment): boolean {
  return moment.kind !== 'created' && moment.tool !== undefined && !(moment.tool in KERNEL_TOOLS)
}

/**
 * The moments an anomaly flag points at (keys): the run a latency flag names by its trace, and the failures
 * of a tool whose recent error rate is flagged. Flags name tools as `<panelId>/<tool>`.
 */
export function flaggedMoments(moments: readonly Moment[], flags: readonly AnomalyFlag[]): Set<string> {
  const traces = new Set(flags.flatMap((f) => (f.kind === 'latency' ? [f.traceId] : [])))
  const failing = new Set(
    flags.flatMap((f) => (f.kind === 'error_rate' ? [f.tool.slice(f.tool.indexOf('/') + 1)] : [])),
  )
  return new Set(
    moments
      .filter((m) => traces.has(m.traceId) || (m.kind === 'failure' && m.tool !== undefined && failing.has(m.tool)))
      .map((m) => m.key),
  )
}

/**
 * The index a key moves the handle to on a track of `count` moments plus "live" at index `count`:
 * ←/→ the previous/next moment, Home the first, End live. `undefined` for other keys.
 */
export function stepIndex(key: string, index: number, count: number): number | undefined {
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return Math.max(0, index - 1)
    case 'ArrowRight':
    case 'ArrowUp':
      return Math.min(count, index + 1)
    case 'PageDown':
      return Math.max(0, index - 10)
    case 'PageUp':
      return Math.min(count, index + 10)
    case 'Home':
      return 0
    case 'End':
      return count
    default:
      return undefined
  }
}

/** The track position (0..1) of index `i` of `count + 1` stops: moments evenly spaced, live at the right end. */
export function positionOf(index: number, count: number): number {
  return count === 0 ? 1 : index / count
}

/** The stop nearest to a position along the track (0..1). */
export function indexAt(fraction: number, count: number): number {
  return Math.min(count, Math.max(0, Math.round(Math.min(1, Math.max(0, fraction)) * count)))
}

/** One line of a diff between two moments, as a person reads it. */
export interface DiffLine {
  change: 'added' | 'removed' | 'changed'
  path: string
  before: Json | undefined
  after: Json | undefined
}

/** Reads a JSON Pointer in `doc`; `undefined` when a step is missing. */
export function readPointer(doc: Json, pointer: string): Json | undefined {
  if (pointer === '') return doc
  let at: Json | undefined = doc
  for (const raw of pointer.slice(1).split('/')) {
    const step = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (at === null || typeof at !== 'object') return undefined
    at = Array.isArray(at) ? at[Number(step)] : at[step]
    if (at === undefined) return undefined
  }
  return at
}

/** The diff route's ops from A to B as added, removed and changed paths, with the values on each side. */
export function diffLines(ops: readonly PatchOp[], before: JsonObject): DiffLine[] {
  return ops.map((op): DiffLine => {
    const old = readPointer(before, op.path)
    if (op.op === 'remove') return { change: 'removed', path: op.path, before: old, after: undefined }
    const value = 'value' in op ? op.value : readPointer(before, op.from)
    if (op.op === 'add' && old === undefined) return { change: 'added', path: op.path, before: undefined, after: value }
    return { change: 'changed', path: op.path, before: old, after: value }
  })
}
