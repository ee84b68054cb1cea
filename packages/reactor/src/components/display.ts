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
