import type { Json, ViewNode } from '@nexus/protocol'
import { escapePointer } from '@nexus/protocol'
import { toJson } from '../expr/toJson.ts'
import type { Value } from '../expr/values.ts'
import { valueAt } from './display.ts'
import { useState } from 'react'
import { useFieldError, useFormField } from './FormContext.ts'
import { usePanel } from './PanelContext.ts'
import { type BoundAttributes, bindPath } from './useBindings.ts'

export interface BoundValue {
  value: Value
  /** Writes the new value: to the bound state path, the enclosing form, and/or the `onChange` tool. */
  set(value: Json): void
  /** The enclosing form's validation message for this field. */
  error: string | undefined
}

/**
 * The value an input shows and how it changes. Precedence: `bind` (two-way with the store, or the host's
 * `onBind`), then a field of the enclosing `<Form>`, then the `value` attribute.
 */
export function useBoundValue(node: ViewNode, attrs: BoundAttributes, empty: Json): BoundValue {
  const { store, bind, trigger } = usePanel()
  const raw = node.attrs['bind']
  const path = raw === undefined ? undefined : bindPath(raw)
  const initial = attrs.get('value')
  const form = useFormField(node, path === undefined ? initial : undefined, empty)
  const [local, setLocal] = useState<Value>(initial === undefined ? empty : initial)
  const error = useFieldError(node)
  const onChange = node.attrs['onChange']
  const bound = path !== undefined && path.length > 0
  let value: Value
  if (bound) value = valueAt(store.get(path[0]!) as Value, path.slice(1))
  else if (form) value = form.value
  else value = local
  const set = (next: Json) => {
    if (bound) bind(path.join('.'), next)
    else if (form) form.set(next)
    else setLocal(next)
    if (onChange) trigger(onChange, [next])
  }
  return { value: value === undefined ? empty : value, set, error }
}

/** The JSON Patch a local (host-less) bind applies. */
export function bindPatch(key: string, value: Json) {
  const pointer = '/' + key.split('.').map(escapePointer).join('/')
  return [{ op: 'add' as const, path: pointer, value: toJson(value as Value) ?? null }]
}
