import { applyPatch } from '@nexus/protocol'
import type { JsonObject, PatchOp } from '@nexus/protocol'
import { canRead } from '../capabilities.ts'

/**
 * The state a run diffs against: the full state, and the part of it the guest may read (`state:read:<key>`
 * or `state:write:<key>`). Unreadable keys never enter the VM; ops apply to the full state, so they survive.
 * A flush moves the baseline forward.
 */
export class Baseline {
  full: JsonObject
  visible: JsonObject
  readonly #hidden: boolean

  constructor(state: JsonObject, capabilities: readonly string[]) {
    this.full = state
    const keys = Object.keys(state)
    this.#hidden = !keys.every((key) => canRead(capabilities, key))
    const readable = this.#hidden ? keys.filter((key) => canRead(capabilities, key)) : keys
    this.visible = this.#hidden ? Object.fromEntries(readable.map((key) => [key, state[key]!])) : state
  }

  /** The full state after `ops`, which took `visible` to `next`. */
  fullAfter(next: JsonObject, ops: readonly PatchOp[]): JsonObject {
    if (!this.#hidden) return next
    const applied = applyPatch(this.full, ops)
    if (!applied.ok) throw new Error(`sandbox: own ops failed to apply: ${applied.error.message}`)
    return applied.value as JsonObject
  }

  advance(next: JsonObject, ops: readonly PatchOp[]): JsonObject {
    this.full = this.fullAfter(next, ops)
    this.visible = next
    return this.full
  }
}
