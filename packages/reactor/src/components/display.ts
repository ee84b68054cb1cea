import { SafeFunction, type Value } from '../expr/values.ts'

/** How a bound value shows as text: nothing for null/undefined, JSON for lists and objects. */
export function displayText(value: Value): string {
  if (value === null || value === undefined || value instanceof SafeFunction) return ''
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}

/** A plain-text choice: `value` if it is one of `allowed`, else `fallback`. */
export function choice<T extends string>(value: Value, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback
}

/** Attributes every Nexus element carries: its kind, its NXML id, and an evaluation error if any. */
export function nxAttributes(type: string, id: string | undefined, error: string | undefined): Record<string, string> {
  const attrs: Record<string, string> = { 'data-nx': type }
  if (id) attrs['data-nx-id'] = id
  if (error) attrs['data-nx-error'] = error
  return attrs
}

/** A number from a bound value or numeric text; `fallback` otherwise. */
export function asNumber(value: Value, fallback: number): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN
  return Number.isFinite(n) ? n : fallback
}

/** `true`/`"true"` and `false`/`"false"`; `fallback` otherwise. */
export function asBoolean(value: Value, fallback: boolean): boolean {
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  return fallback
}

/** A list from a bound list, or from comma-separated text. */
export function asList(value: Value): Value[] {
  if (Array.isArray(value)) return value
  if (typeof value === 'string' && value.trim() !== '') return value.split(',').map((s) => s.trim())
  return []
}

/** A plain object's own property, or undefined. */
export function field(value: Value, key: string): Value {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof SafeFunction)
    return undefined
  return Object.hasOwn(value, key) ? value[key] : undefined
}

/** The value at `path` inside `root`. */
export function valueAt(root: Value, path: readonly string[]): Value {
  let v = root
  for (const key of path) {
    if (Array.isArray(v)) v = v[Number(key)]
    else v = field(v, key)
    if (v === undefined) return undefined
  }
  return v
}
