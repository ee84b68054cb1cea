import { escapePointer, type Json, type PatchOp } from '@nexus/protocol'

/**
 * RFC 6902 operations that turn `from` into `to`: objects are compared key by key, arrays index by index
 * (extra items added at the end or removed from the end, highest index first), anything else replaced.
 * No moves or copies; `applyPatch(from, jsonDiff(from, to))` equals `to` for documents without `__proto__`,
 * `constructor` or `prototype` keys (state never has them; `applyPatch` refuses paths through them).
 *
 * @example jsonDiff({ a: 1, b: [1] }, { a: 2, b: [1, 2] }) // [{op:'replace',path:'/a',value:2},{op:'add',path:'/b/1',value:2}]
 */
export function jsonDiff(from: Json | undefined, to: Json | undefined, path = ''): PatchOp[] {
  const ops: PatchOp[] = []
  diffInto(from, to, path, ops)
  return ops
}

function diffInto(a: Json | undefined, b: Json | undefined, path: string, ops: PatchOp[]): void {
  if (a === b) return
  if (b === undefined) {
    ops.push({ op: 'remove', path })
    return
  }
  if (a === undefined) {
    ops.push({ op: 'add', path, value: b })
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length)
    for (let i = 0; i < common; i++) diffInto(a[i], b[i], `${path}/${i}`, ops)
    for (let i = a.length - 1; i >= common; i--) ops.push({ op: 'remove', path: `${path}/${i}` })
    for (let i = common; i < b.length; i++) ops.push({ op: 'add', path: `${path}/${i}`, value: b[i]! })
    return
  }
  if (isObject(a) && isObject(b)) {
    for (const key of Object.keys(a)) {
      if (!Object.hasOwn(b, key)) ops.push({ op: 'remove', path: `${path}/${escapePointer(key)}` })
    }
    for (const key of Object.keys(b)) {
      diffInto(Object.hasOwn(a, key) ? a[key] : undefined, b[key], `${path}/${escapePointer(key)}`, ops)
    }
    return
  }
  ops.push({ op: 'replace', path, value: b })
}

function isObject(value: Json): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Whether JSON pointer `a` equals `b` or is an ancestor or a descendant of it. */
export function pointersOverlap(a: string, b: string): boolean {
  if (a === b || a === '' || b === '') return true
  return a.startsWith(`${b}/`) || b.startsWith(`${a}/`)
}
