import type { ViewNode } from '@nexus/protocol'
import { INPUT_TYPES } from '../nxml/componentSpecs.ts'
import { asBoolean, asNumber, choice, displayText } from './display.ts'
import { Field } from './Field.tsx'
import { useBindings } from './useBindings.ts'
import { useBoundValue } from './useBoundValue.ts'

/** A one-line text (or number, email, …) input; two-way with `bind`. */
export function Input({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const type = choice(attrs.get('type'), INPUT_TYPES, 'text')
  const bound = useBoundValue(node, attrs, type === 'number' ? 0 : '')
  const maxLength = asNumber(attrs.get('maxLength'), NaN)
  return (
    <Field type="Input" attrs={attrs} error={bound.error}>
      {(control) => (
        <input
          {...control}
          className="nx-input"
          type={type}
          value={displayText(bound.value)}
          placeholder={displayText(attrs.get('placeholder')) || undefined}
          required={asBoolean(attrs.get('required'), false)}
          disabled={asBoolean(attrs.get('disabled'), false)}
          maxLength={Number.isFinite(maxLength) ? maxLength : undefined}
          onChange={(e) => {
            const raw = e.currentTarget.value
            bound.set(type === 'number' ? (raw === '' ? null : Number(raw)) : raw)
          }}
        />
      )}
    </Field>
  )
}

/** A multi-line text input; two-way with `bind`. */
export function TextArea({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const bound = useBoundValue(node, attrs, '')
  const maxLength = asNumber(attrs.get('maxLength'), NaN)
  return (
    <Field type="TextArea" attrs={attrs} error={bound.error}>
      {(control) => (
        <textarea
          {...control}
          className="nx-input nx-textarea"
          rows={asNumber(attrs.get('rows'), 3)}
          value={displayText(bound.value)}
          placeholder={displayText(attrs.get('placeholder')) || undefined}
          required={asBoolean(attrs.get('required'), false)}
          disabled={asBoolean(attrs.get('disabled'), false)}
          maxLength={Number.isFinite(maxLength) ? maxLength : undefined}
          onChange={(e) => bound.set(e.currentTarget.value)}
        />
      )}
    </Field>
  )
}
