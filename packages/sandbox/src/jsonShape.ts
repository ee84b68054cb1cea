import { FORBIDDEN_KEYS, type Json } from '@nexus/protocol'

/** Deepest nesting accepted from the guest; keeps the host's recursive diff far from its stack limit. */
export const MAX_JSON_DEPTH = 256

/** Why `value` may not leave the sandbox (a forbidden key or too deep), or undefined when it may. */
export function jsonShapeProblem(value: Json, what: string): string | undefined {
  const stack: Array<{ value: Json; depth: number; path: string }> = [{ value, depth: 0, path: what }]
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item.value !== 'object' || item.value === null) continue
    if (item.depth >= MAX_JSON_DEPTH) return `${what} nests deeper than ${MAX_JSON_DEPTH} levels; flatten it`
    if (Array.isArray(item.value)) {
      item.value.forEach((child, i) => stack.push({ value: child, depth: item.depth + 1, path: `${item.path}[${i}]` }))
      continue
    }
    for (const [key, child] of Object.entries(item.value)) {
      if (FORBIDDEN_KEYS.has(key)) return `${item.path} has a key named "${key}", which is not allowed; rename it`
      stack.push({ value: child, depth: item.depth + 1, path: `${item.path}.${key}` })
    }
  }
  return undefined
}

/** Byte length of `text` encoded as UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) bytes += 1
    else if (unit < 0x800) bytes += 2
    else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit < 0xe000
}
