import type { Json, JsonObject, ViewNode } from '@nexus/protocol'
import { type FormEvent, useMemo, useState } from 'react'
import { evaluateBinding, parseBinding } from '../expr/binding.ts'
import { setOwn, toJson } from '../expr/toJson.ts'
import type { Value } from '../expr/values.ts'
import { asBoolean, displayText, nxAttributes, valueAt } from './display.ts'
import { FormContext, type FormContextValue, fieldKey } from './FormContext.ts'
import { formFields, validateField } from './formValidation.ts'
import { usePanel } from './PanelContext.ts'
import { bindPath, useBindings } from './useBindings.ts'
import { ViewChildren } from './ViewChildren.tsx'

/**
 * Groups fields; on submit validates each (required, pattern, lengths, ranges) and, when all pass, calls
 * `trigger` with the named field values.
 */
export function Form({ node }: { node: ViewNode }) {
  const { store, trigger } = usePanel()
  const attrs = useBindings(node)
  const fields = useMemo(() => formFields(node.children), [node])
  const [values, setValues] = useState<Record<string, Json>>({})
  const [errors, setErrors] = useState<Record<string, string>>({})
  const context = useMemo<FormContextValue>(
    () => ({
      values,
      errors,
      setValue: (name, value) => {
        setValues((v) => ({ ...v, [name]: value }))
        setErrors((e) => {
          if (!e[name]) return e
          const next = { ...e }
          delete next[name]
          return next
        })
      },
    }),
    [values, errors],
  )
  const current = (f: ViewNode): Json | undefined => {
    const bind = f.attrs['bind']
    if (bind !== undefined) {
      const path = bindPath(bind)
      return toJson(valueAt(store.get(path[0] ?? '') as Value, path.slice(1)))
    }
    const key = fieldKey(f)!
    return Object.hasOwn(values, key) ? values[key] : initialOf(f, store.getState())
  }
  const onSubmit = (e: FormEvent) => {
    e.preventDefault()
    const found: Record<string, string> = {}
    const args: JsonObject = {}
    for (const f of fields) {
      const key = fieldKey(f)!
      const value = current(f)
      const message = validateField(f, value)
      if (message) found[key] = message
      if (f.attrs['name'] !== undefined && value !== undefined) setOwn(args, key, value)
    }
    setErrors(found)
    if (Object.keys(found).length > 0) return
    const tool = node.attrs['trigger']
    if (tool) trigger(tool, args)
    if (asBoolean(attrs.get('resetOnSubmit'), true)) setValues({})
  }
  return (
    <form
      className="nx-form"
      noValidate
      onSubmit={onSubmit}
      {...nxAttributes('Form', displayText(attrs.get('id')), attrs.error)}
    >
      <FormContext.Provider value={context}>
        <ViewChildren nodes={node.children} />
      </FormContext.Provider>
      <div className="nx-form__actions">
        <button type="submit" className="nx-button nx-button--primary">
          {displayText(attrs.get('submitLabel')) || 'Submit'}
        </button>
      </div>
    </form>
  )
}

/** An untouched field's value: its `value` binding evaluated (a Slider's as a number), else its type's zero. */
function initialOf(f: ViewNode, $state: JsonObject): Json {
  const raw = f.attrs['value']
  if (raw === undefined) return defaultOf(f)
  const parsed = parseBinding(raw)
  const result = parsed.ok ? evaluateBinding(parsed.value, { $state, $computed: {} }) : undefined
  const value = result?.ok ? (toJson(result.value) ?? null) : raw
  if (f.type === 'Slider') return Number(value)
  if (f.type === 'Switch') return value === true || value === 'true'
  return value
}

function defaultOf(f: ViewNode): Json {
  if (f.type === 'Switch') return false
  if (f.type === 'Slider') return Number(f.attrs['min'] ?? 0)
  return ''
}
