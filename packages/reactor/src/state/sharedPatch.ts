import type { Json, JsonObject, PatchOp } from '@nexus/protocol'
import { parsePointer } from '@nexus/protocol'
import { setOwn } from '../expr/toJson.ts'

/**
 * Applies `add`/`replace`/`remove` operations copy-on-write: only the containers on each operation's path
 * are copied, so untouched items keep their identity (memoised components skip them) and the cost follows
 * the patch, not the size of the list. Returns undefined for anything else (`move`, `copy`, `test`, a root
 * path, a missing parent, a bad index): the caller then uses the RFC 6902 reference implementation, which
 * also produces the error. `written` gets the path each operation can change (an array insert or removal
 * shifts the items after it, so it counts as a write to the array).
 */
export function applyShared(base: JsonObject, ops: readonly PatchOp[], written: string[][]): JsonObject | undefined {
  const fresh = new Set<object>()
  const root: JsonObject = { ...base }
  fresh.add(root)
  for (const op of ops) {
    if (op.op !== 'add' && op.op !== 'replace' && op.op !== 'remove') return undefined
    const path = parsePointer(op.path)
    if (path.length === 0) return undefined
    let parent: Json = root
    for (let i = 0; i < path.length - 1; i++) {
      const container: Json = parent
      const key = path[i]!
      const child = childOf(container, key)
      if (child === null || typeof child !== 'object') return undefined
      const copy: Json = fresh.has(child) ? child : Array.isArray(child) ? [...child] : { ...child }
      fresh.add(copy)
      setChild(container, key, copy)
      parent = copy
    }
    const last = path[path.length - 1]!
    if (Array.isArray(parent)) {
      const index = last === '-' && op.op === 'add' ? parent.length : arrayIndex(last)
      if (index === undefined || index > parent.length || (op.op !== 'add' && index >= parent.length)) return undefined
      if (op.op === 'add') parent.splice(index, 0, structuredClone(op.value))
      else if (op.op === 'remove') parent.splice(index, 1)
      else parent[index] = structuredClone(op.value)
      written.push(op.op === 'replace' ? path : path.slice(0, -1))
    } else if (parent !== null && typeof parent === 'object') {
      const has = Object.hasOwn(parent, last)
      if (op.op !== 'add' && !has) return undefined
      if (op.op === 'remove') delete parent[last]
      else setOwn(parent, last, structuredClone(op.value))
      written.push(path)
    } else return undefined
  }
  return root
}

function childOf(container: Json, key: string): Json | undefined {
  if (Array.isArray(container)) {
    const i = arrayIndex(key)
    return i === undefined ? undefined : container[i]
  }
  if (container !== null && typeof container === 'object' && Object.hasOwn(container, key)) return container[key]
  return undefined
}

function setChild(container: Json, key: string, value: Json): void {
  if (Array.isArray(container)) container[arrayIndex(key)!] = value
  else if (container !== null && typeof container === 'object') setOwn(container, key, value)
}

function arrayIndex(key: string): number | undefined {
  return /^(0|[1-9]\d*)$/.test(key) ? Number(key) : undefined
}
