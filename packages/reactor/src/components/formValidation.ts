import type { Json, ViewNode } from '@nexus/protocol'
import { fieldKey } from './FormContext.ts'

const FIELD_TYPES = new Set(['Input', 'TextArea', 'Select', 'Switch', 'Slider', 'DatePicker'])

/** The fields of a form: input nodes with a `name` or `bind`, not inside a nested form. */
export function formFields(nodes: readonly ViewNode[]): ViewNode[] {
  return nodes.flatMap((n) => {
    if (n.type === 'Form') return []
    const self = FIELD_TYPES.has(n.type) && fieldKey(n) !== undefined ? [n] : []
    return [...self, ...formFields(n.children)]
  })
}

/**
 * The message for one field's value, or undefined when it is valid. Rules come from the field's plain
 * attributes: `required`, `pattern`, `minLength`, `maxLength`, `min`, `max`, and the `email`/`url` types.
 * @example validateField(inputNode, '') // 'Email is required'
 */
export function validateField(node: ViewNode, value: Json | undefined): string | undefined {
  const a = node.attrs
  const label = a['label'] ?? fieldKey(node) ?? 'This field'
  const empty = value === undefined || value === null || value === '' || (node.type === 'Switch' && value === false)
  if (empty) return a['required'] === 'true' ? `${label} is required` : undefined
  const text = typeof value === 'string' ? value : String(value)
  if (a['minLength'] && text.length < Number(a['minLength']))
    return `${label} needs at least ${a['minLength']} characters`
  if (a['maxLength'] && text.length > Number(a['maxLength']))
    return `${label} takes at most ${a['maxLength']} characters`
  if (a['pattern'] && !safeTest(a['pattern'], text)) return `${label} has the wrong format`
  if (a['type'] === 'email' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)) return `${label} must be an email address`
  if (a['type'] === 'url' && !/^https?:\/\/\S+$/.test(text)) return `${label} must be a URL`
  if (a['type'] === 'number' && !Number.isFinite(Number(text))) return `${label} must be a number`
  const numeric = node.type === 'Slider' || a['type'] === 'number'
  const cmp = (x: string) => (numeric ? Number(text) - Number(x) : text.localeCompare(x))
  if (a['min'] !== undefined && cmp(a['min']) < 0) return `${label} must be at least ${a['min']}`
  if (a['max'] !== undefined && cmp(a['max']) > 0) return `${label} must be at most ${a['max']}`
  return undefined
}

function safeTest(pattern: string, text: string): boolean {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u').test(text)
  } catch {
    return true // an invalid pattern does not block the user
  }
}
