import type { Json, ViewNode } from '@nexus/protocol'
import { createContext, useContext } from 'react'
import type { Value } from '../expr/values.ts'

/** What a `<Form>` shares with the fields inside it. */
export interface FormContextValue {
  values: Readonly<Record<string, Json>>
  errors: Readonly<Record<string, string>>
  setValue(name: string, value: Json): void
}

export const FormContext = createContext<FormContextValue | undefined>(undefined)

export interface FormField {
  value: Value
  set(value: Json): void
}

/** The field's slot in the enclosing form (by its `name`), or undefined outside a form / without a name. */
export function useFormField(node: ViewNode, initial: Value, empty: Json): FormField | undefined {
  const form = useContext(FormContext)
  const name = node.attrs['name']
  if (!form || !name) return undefined
  const value = Object.hasOwn(form.values, name) ? form.values[name] : (initial ?? empty)
  return { value, set: (v) => form.setValue(name, v) }
}

/** The error the enclosing form shows for a field (bound fields too), by name or bind path. */
export function useFieldError(node: ViewNode): string | undefined {
  const form = useContext(FormContext)
  const key = fieldKey(node)
  return form && key ? form.errors[key] : undefined
}

/** The argument name a field fills: its `name`, else the last segment of its `bind`. */
export function fieldKey(node: ViewNode): string | undefined {
  return node.attrs['name'] ?? node.attrs['bind']?.split('.').at(-1)
}
