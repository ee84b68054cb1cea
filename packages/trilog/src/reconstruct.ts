import { applyPatch, type Json, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { EventRow } from './events.ts'

/**
 * Rebuilds an object's state from its events in (ts, seq) order: the last `snapshot` resets it and every
 * later `state_change` applies its ops. Returns `undefined` when no snapshot precedes the end.
 */
export function replayState(rows: readonly EventRow[]): JsonObject | undefined {
  let state: JsonObject | undefined
  for (const row of rows) {
    const attrs = JSON.parse(row.attrs) as { state?: JsonObject; ops?: PatchOp[] }
    if (row.kind === 'snapshot' && attrs.state) {
      state = attrs.state
    } else if (row.kind === 'state_change' && state && attrs.ops) {
      const applied = applyPatch(state as Json, attrs.ops)
      // A change that cannot apply means the log is damaged; keep the last good state rather than guess.
      if (applied.ok) state = applied.value as JsonObject
    }
  }
  return state
}
