/**
 * Limits on the shape of untrusted structured input (WebSocket frames, HTTP bodies), checked before any
 * schema parse: zod and every other validator recurse once per level, so a few kilobytes of brackets are
 * enough to overflow the stack. Both checks here are iterative and allocate nothing per level.
 */

/** Deepest nesting of arrays and objects accepted anywhere on the wire. Real messages stay under 20. */
export const MAX_JSON_DEPTH = 64
/** Most values (every array, object, string, number, …) in one message or body. */
export const MAX_JSON_NODES = 100_000

export interface ShapeLimits {
  maxDepth?: number
  maxNodes?: number
}

/** Why a structure was refused, as a sentence that says what to send instead. */
export type ShapeProblem = string | undefined

const OPEN_BRACKET = 0x5b // [
const OPEN_BRACE = 0x7b // {
const CLOSE_BRACKET = 0x5d // ]
const CLOSE_BRACE = 0x7d // }
const QUOTE = 0x22 // "
const BACKSLASH = 0x5c // \

/**
 * Scans JSON text (a string or UTF-8 bytes) for nesting deeper than `maxDepth` without parsing it: brackets
 * are counted outside strings. Malformed text is left for the parser to refuse; only depth is judged here.
 */
export function jsonTextDepthProblem(text: string | Uint8Array, maxDepth = MAX_JSON_DEPTH): ShapeProblem {
  let depth = 0
  let inString = false
  const isString = typeof text === 'string'
  for (let i = 0, n = text.length; i < n; i++) {
    const c = isString ? text.charCodeAt(i) : text[i]!
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
    } else if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return depthMessage(maxDepth)
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--
    }
  }
  return undefined
}

/**
 * Walks a decoded value with an explicit stack and refuses it when it nests deeper than `maxDepth` or holds
 * more than `maxNodes` values. Stops at the first limit crossed, so a hostile value costs at most `maxNodes`
 * steps.
 */
export function valueShapeProblem(value: unknown, limits: ShapeLimits = {}): ShapeProblem {
  const maxDepth = limits.maxDepth ?? MAX_JSON_DEPTH
  const maxNodes = limits.maxNodes ?? MAX_JSON_NODES
  const values: unknown[] = [value]
  const depths: number[] = [0]
  let nodes = 0
  while (values.length > 0) {
    const current = values.pop()
    const depth = depths.pop()!
    if (++nodes > maxNodes) return `The message holds more than ${maxNodes} values; send less data at once`
    if (current === null || typeof current !== 'object') continue
    if (depth + 1 > maxDepth) return depthMessage(maxDepth)
    if (Array.isArray(current)) {
      for (let i = 0; i < current.length; i++) {
        values.push(current[i])
        depths.push(depth + 1)
      }
    } else if (current instanceof Uint8Array) {
      continue // MessagePack binary: a leaf
    } else {
      for (const key in current) {
        if (Object.hasOwn(current, key)) {
          values.push((current as Record<string, unknown>)[key])
          depths.push(depth + 1)
        }
      }
    }
    if (values.length > maxNodes) return `The message holds more than ${maxNodes} values; send less data at once`
  }
  return undefined
}

function depthMessage(maxDepth: number): string {
  return `The message nests deeper than ${maxDepth} levels of arrays and objects; flatten it`
}
