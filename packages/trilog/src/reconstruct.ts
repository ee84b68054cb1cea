import { applyPatch, type Json, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { EventRow } from './events.ts'

/** Where a replay starts: a stored snapshot, or nothing (replay from the first event). */
export interface ReplayBase {
  state: JsonObject | undefined
}

export interface ReplayResult {
  state: JsonObject | undefined
  /** `state_change` events applied after the last snapshot. */
  changes: number
}

/**
 * Rebuilds an object's state from its events in (ts, seq) order: the last `snapshot` resets it and every
 * later `state_change` applies its ops. Returns `undefined` when no snapshot precedes the end.
 */
export function replayState(rows: readonly EventRow[], base?: ReplayBase): JsonObject | undefined {
  return replay(rows, base).state
}

/** `replayState` that also counts the changes since the last snapshot. */
export function replay(rows: readonly EventRow[], base?: ReplayBase): ReplayResult {
  let state = base?.state
  let changes = 0
  // Consecutive changes are applied as one patch (one deep copy instead of one per event).
  let pending: PatchOp[][] = []
  for (const row of rows) {
    if (row.kind === 'snapshot') {
      const attrs = JSON.parse(row.attrs) as { state?: JsonObject }
      if (!attrs.state) continue
      pending = []
      state = attrs.state
      changes = 0
    } else if (row.kind === 'state_change') {
      const attrs = JSON.parse(row.attrs) as { ops?: PatchOp[] }
      if (!attrs.ops) continue
      pending.push(attrs.ops)
      changes++
    }
  }
  if (pending.length && state) state = applyChanges(state, pending)
  return { state, changes }
}

/**
 * Applies each event's ops in order. A change that cannot apply means the log is damaged; it is skipped and
 * the last good state kept rather than guessed.
 */
export function applyChanges(state: JsonObject, changes: readonly PatchOp[][]): JsonObject {
  if (changes.length === 1) {
    const one = applyPatch(state as Json, changes[0]!)
    return one.ok ? (one.value as JsonObject) : state
  }
  const all = applyPatch(state as Json, changes.flat())
  if (all.ok) return all.value as JsonObject
  let current = state
  for (const ops of changes) {
    const applied = applyPatch(current as Json, ops)
    if (applied.ok) current = applied.value as JsonObject
  }
  return current
}
