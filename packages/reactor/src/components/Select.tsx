import type { ViewNode } from '@nexus/protocol'
import type { Value } from '../expr/values.ts'
import { asBoolean, asList, displayText, field } from './display.ts'
import { Field } from './Field.tsx'
import { useBindings } from './useBindings.ts'
import { useBoundValue } from './useBoundValue.ts'

/** Options as `{value, label}` from strings or objects. */
export function selectOptions(value: Value): { value: string; label: string }[] {
  return asList(value).map((o) => {
    const v = field(o, 'value')
    if (v === undefined) return { value: displayText(o), label: displayText(o) }
    const label = field(o, 'label')
    return { value: displayText(v), label: displayText(label === undefined ? v : label) }
  })
}

/** A drop-down choice; two-way with `bind`. */
export function Select({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const bound = useBoundValue(node, attrs, '')
  const options = selectOptions(attrs.get('options'))
  return (
    <Field type="Select" attrs={attrs} error={bound.error}>
      {(control) => (
        <select
          {...control}
          className="nx-input nx-select"
          value={displayText(bound.value)}
          required={asBoolean(attrs.get('required'), false)}
          disabled={asBoolean(attrs.get('disabled'), false)}
          onChange={(e) => bound.set(e.currentTarget.value)}
        >
          {options.some((o) => o.value === displayText(bound.value)) ? null : <option value="">—</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}
