import { escapePointer } from '@nexus/protocol'
import type { Json, JsonObject, PatchOp } from '@nexus/protocol'

/**
 * RFC 6902 operations that turn `before` into `after`, so `applyPatch(before, diffJson(before, after))`
 * equals `after`. Objects diff key by key; arrays keep a common prefix and suffix, so appends become
 * `add /-`, a single insertion or removal is one op, and anything else is per-index replace/add/remove.
 *
 * @example diffJson({ count: 0 }, { count: 1 }) // [{ op: 'replace', path: '/count', value: 1 }]
 */
export function diffJson(before: Json, after: Json): PatchOp[] {
  const ops: PatchOp[] = []
  diffValue(before, after, '', ops)
  return ops
}

function diffValue(before: Json, after: Json, path: string, ops: PatchOp[]): void {
  if (!jsonEqual(before, after)) diffChanged(before, after, path, ops)
}

/** {@link diffValue} for values already known to differ. */
function diffChanged(before: Json, after: Json, path: string, ops: PatchOp[]): void {
  if (isObject(before) && isObject(after)) return diffObject(before, after, path, ops)
  if (Array.isArray(before) && Array.isArray(after)) return diffArray(before, after, path, ops)
  ops.push({ op: 'replace', path, value: after })
}

function diffObject(before: JsonObject, after: JsonObject, path: string, ops: PatchOp[]): void {
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key)) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` })
  }
  // Paths are built only for keys that changed: most keys of a large state do not.
  for (const key of Object.keys(after)) {
    const value = after[key] as Json
    if (!Object.hasOwn(before, key)) ops.push({ op: 'add', path: `${path}/${escapePointer(key)}`, value })
    else if (!jsonEqual(before[key] as Json, value)) {
      diffChanged(before[key] as Json, value, `${path}/${escapePointer(key)}`, ops)
    }
  }
}

function diffArray(before: Json[], after: Json[], path: string, ops: PatchOp[]): void {
  const shorter = Math.min(before.length, after.length)
  let prefix = 0
  while (prefix < shorter && jsonEqual(before[prefix] as Json, after[prefix] as Json)) prefix++
  let suffix = 0
  while (
    suffix < shorter - prefix &&
    jsonEqual(before[before.length - 1 - suffix] as Json, after[after.length - 1 - suffix] as Json)
  ) {
    suffix++
  }
  const removed = before.length - prefix - suffix
  const added = after.length - prefix - suffix
  if (removed === 0) {
    // Pure insertion at `prefix` (an append when there is no common suffix).
    for (let i = 0; i < added; i++) {
      const at = suffix === 0 ? '-' : String(prefix + i)
      ops.push({ op: 'add', path: `${path}/${at}`, value: after[prefix + i] as Json })
    }
    return
  }
  if (added === 0) {
    for (let i = 0; i < removed; i++) ops.push({ op: 'remove', path: `${path}/${prefix}` })
    return
  }
  for (let i = 0; i < shorter; i++) diffValue(before[i] as Json, after[i] as Json, `${path}/${i}`, ops)
  for (let i = shorter; i < after.length; i++) ops.push({ op: 'add', path: `${path}/-`, value: after[i] as Json })
  for (let i = before.length - 1; i >= after.length; i--) ops.push({ op: 'remove', path: `${path}/${i}` })
}

/** Structural equality of two JSON values (key order ignored). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i] as Json, b[i] as Json)) return false
    return true
  }
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  for (const key of keys) {
    if (!Object.hasOwn(b, key) || !jsonEqual(a[key] as Json, b[key] as Json)) return false
  }
  return true
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
