import type { Json, JsonObject } from '@nexus/protocol'
import { checkStateWrites } from './capabilities.ts'
import { diffJson } from './diff.ts'
import { handlerError, outputLimitError } from './errors.ts'
import type { SandboxError } from './errors.ts'
import { jsonShapeProblem, utf8Length } from './jsonShape.ts'
import type { SandboxLimits } from './limits.ts'
import type { PatchOp } from '@nexus/protocol'

export interface RunOutput {
  state: JsonObject
  ops: PatchOp[]
  returnValue: Json
}

/**
 * Validates the guest's `stateJson + "\n" + returnJson` on the host — size, shape, forbidden keys,
 * capabilities — and diffs the new state against `before`. Guest output is untrusted data.
 */
export function readOutput(
  text: string,
  before: JsonObject,
  capabilities: readonly string[],
  limits: SandboxLimits,
): { ok: true; value: RunOutput } | { ok: false; error: SandboxError } {
  const newline = text.indexOf('\n')
  const stateText = newline < 0 ? text : text.slice(0, newline)
  const returnText = newline < 0 ? 'null' : text.slice(newline + 1)
  const state = parseLimited(stateText, '$state', limits)
  if (!state.ok) return state
  if (typeof state.value !== 'object' || state.value === null || Array.isArray(state.value)) {
    return { ok: false, error: handlerError('$state must remain a JSON object') }
  }
  const returned = parseLimited(returnText, 'the return value', limits)
  if (!returned.ok) return returned
  return checkOps(state.value, returned.value, before, capabilities, limits)
}

/**
 * The part of {@link readOutput} after parsing: diff against `before`, maxOps, `state:write`. Tier 0 calls it
 * directly on a state it built as JSON data (after the same size checks, {@link sizeError}).
 */
export function checkOps(
  state: JsonObject,
  returnValue: Json,
  before: JsonObject,
  capabilities: readonly string[],
  limits: SandboxLimits,
): { ok: true; value: RunOutput } | { ok: false; error: SandboxError } {
  const ops = diffJson(before, state)
  if (ops.length > limits.maxOps) {
    return fail(
      outputLimitError(
        `handler made ${ops.length} state operations, over limits.maxOps (${limits.maxOps}); change less per run`,
      ),
    )
  }
  const denied = checkStateWrites(ops, capabilities)
  if (denied) return fail(denied)
  return { ok: true, value: { state, ops, returnValue } }
}

/** OUTPUT_LIMIT when `text` is more than `limits.maxOutputBytes` of UTF-8 (`what` names it). */
export function sizeError(text: string, what: string, limits: SandboxLimits): SandboxError | undefined {
  const bytes = utf8Length(text)
  if (bytes <= limits.maxOutputBytes) return undefined
  return outputLimitError(
    `${what} is ${bytes} bytes of JSON, over limits.maxOutputBytes (${limits.maxOutputBytes}); keep less in it`,
  )
}

function parseLimited(
  text: string,
  what: string,
  limits: SandboxLimits,
): { ok: true; value: Json } | { ok: false; error: SandboxError } {
  const tooLarge = sizeError(text, what, limits)
  if (tooLarge) return fail(tooLarge)
  let value: Json
  try {
    value = JSON.parse(text) as Json
  } catch {
    return fail(handlerError(`${what} could not be read as JSON`))
  }
  const problem = jsonShapeProblem(value, what)
  return problem ? fail(handlerError(problem)) : { ok: true, value }
}

function fail(error: SandboxError): { ok: false; error: SandboxError } {
  return { ok: false, error }
}
