import { applyPatch, type Json, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { EventRow } from './events.ts'

/** Where a replay starts: a stored snapshot, or nothing (replay from the first event). */
export interface ReplayBase {
  state: JsonObject | undefined
}

/** How many reasons a replay keeps; the count goes on past it. */
export const MAX_SKIPPED_REASONS = 5

/** One event a replay could not use: which (`ts`, `seq`) and why. */
export interface SkippedChange {
  ts: number
  seq: number
  reason: string
}

export interface ReplayResult {
  state: JsonObject | undefined
  /** `state_change` events after the last snapshot (applied or skipped). */
  changes: number
  /**
   * Events left out, so the state is the last good one and not what the log describes: the count, and the
   * first `MAX_SKIPPED_REASONS` of them. A damaged log shows here instead of as a silently older state.
   */
  skipped: { count: number; first: SkippedChange[] }
}

/**
 * Rebuilds an object's state from its events in (ts, seq) order: the last `snapshot` resets it and every
 * later `state_change` applies its ops. Returns `undefined` when no snapshot precedes the end.
 */
export function replayState(rows: readonly EventRow[], base?: ReplayBase): JsonObject | undefined {
  return replay(rows, base).state
}

/** `replayState` that also counts the changes since the last snapshot and reports what it skipped. */
export function replay(rows: readonly EventRow[], base?: ReplayBase): ReplayResult {
  let state = base?.state
  let changes = 0
  const skipped: ReplayResult['skipped'] = { count: 0, first: [] }
  const skip = (row: EventRow, reason: string) => {
    if (skipped.count++ < MAX_SKIPPED_REASONS) skipped.first.push({ ts: Number(row.ts), seq: Number(row.seq), reason })
  }
  // Consecutive changes are applied as one patch (one deep copy instead of one per event).
  let pending: PatchOp[][] = []
  let pendingRows: EventRow[] = []
  const settle = () => {
    if (!pending.length) return
    if (state) state = applyChanges(state, pending, (i, reason) => skip(pendingRows[i]!, reason))
    else for (const row of pendingRows) skip(row, 'no snapshot before this change')
    pending = []
    pendingRows = []
  }
  for (const row of rows) {
    if (row.kind === 'snapshot') {
      const attrs = JSON.parse(row.attrs) as { state?: JsonObject }
      if (!attrs.state) {
        settle() // reasons stay in log order
        skip(row, 'snapshot without a state')
        continue
      }
      // Changes before this snapshot are replaced by it: they are not applied, and not reported either.
      pending = []
      pendingRows = []
      state = attrs.state
      changes = 0
    } else if (row.kind === 'state_change') {
      const attrs = JSON.parse(row.attrs) as { ops?: PatchOp[] }
      if (!attrs.ops) {
        settle()
        skip(row, 'state_change without ops')
        continue
      }
      pending.push(attrs.ops)
      pendingRows.push(row)
      changes++
    }
  }
  settle()
  return { state, changes, skipped }
}

/**
 * Applies each event's ops in order. A change that cannot apply means the log is damaged; it is skipped (and
 * `onSkip` told its index and why) and the last good state kept rather than guessed.
 */
export function applyChanges(
  state: JsonObject,
  changes: readonly PatchOp[][],
  onSkip?: (index: number, reason: string) => void,
): JsonObject {
  if (changes.length > 1) {
    const all = applyPatch(state as Json, changes.flat())
    if (all.ok) return all.value as JsonObject
  }
  let current = state
  for (const [i, ops] of changes.entries()) {
    const applied = applyPatch(current as Json, ops)
    if (applied.ok) current = applied.value as JsonObject
    else onSkip?.(i, applied.error.message)
  }
  return current
}
