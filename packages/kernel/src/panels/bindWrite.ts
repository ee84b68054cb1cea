import { applyPatch, escapePointer, type Json, type JsonObject, type PanelAst, type PatchOp } from '@nexus/protocol'
import { jsonEqual } from '@nexus/sandbox'
import { KernelError } from '../errors.ts'
import { findTypeViolation } from './stateTypes.ts'

/** The `tool` a bound input's write is recorded under in the panel's changes and history. */
export const BIND_TOOL = '$bind'

/**
 * What a two-way `bind` write does to the state: `path` is the `bind` attribute's path (`draft`,
 * `form.email`, a leading `$state.` allowed), its first key a declared state. The result must still fit every
 * declared type; an unchanged value gives no ops.
 */
export function bindWrite(
  ast: PanelAst,
  state: JsonObject,
  path: string,
  value: Json,
): { ops: PatchOp[]; state: JsonObject } {
  const keys = path.replace(/^\$state\./, '').split('.')
  const name = keys[0]!
  if (!ast.states.some((s) => s.name === name)) {
    const known = ast.states.map((s) => `"${s.name}"`).join(', ') || 'none'
    throw new KernelError(
      'BIND_INVALID',
      `bind "${path}": the panel declares no state "${name}" (states: ${known})`,
      422,
    )
  }
  let current: Json | undefined = state
  for (const key of keys) {
    current =
      current !== null && typeof current === 'object' && Object.hasOwn(current, key)
        ? (current as Record<string, Json>)[key]
        : undefined
  }
  if (current !== undefined && jsonEqual(current, value)) return { ops: [], state }
  // `replace` where the value exists (an `add` at a list index would insert before it), else `add`.
  const pointer = '/' + keys.map(escapePointer).join('/')
  const ops: PatchOp[] = [{ op: current === undefined ? 'add' : 'replace', path: pointer, value }]
  const applied = applyPatch(state, ops)
  if (!applied.ok) {
    throw new KernelError(
      'BIND_INVALID',
      `bind "${path}": ${applied.error.message}; bind an existing object or list`,
      422,
    )
  }
  const next = applied.value as JsonObject
  const violation = findTypeViolation(ast.states, next)
  if (violation) {
    throw new KernelError(
      'STATE_INVALID',
      `bind "${path}": ${violation.replace('the handler left', 'the input sent')}`,
      422,
    )
  }
  return { ops, state: next }
}
