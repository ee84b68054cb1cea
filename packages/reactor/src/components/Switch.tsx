import type { ViewNode } from '@nexus/protocol'
import { asBoolean, asNumber, displayText } from './display.ts'
import { Field } from './Field.tsx'
import { useBindings } from './useBindings.ts'
import { useBoundValue } from './useBoundValue.ts'

/** An on/off switch (`role="switch"`, Space toggles); two-way with `bind`. */
export function Switch({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const bound = useBoundValue(node, attrs, false)
  const on = asBoolean(bound.value, false)
  return (
    <Field type="Switch" inline attrs={attrs} error={bound.error}>
      {(control) => (
        <button
          {...control}
          type="button"
          role="switch"
          aria-checked={on}
          className={`nx-switch${on ? ' nx-switch--on' : ''}`}
          disabled={asBoolean(attrs.get('disabled'), false)}
          onClick={() => bound.set(!on)}
        >
          <span className="nx-switch__thumb" />
        </button>
      )}
    </Field>
  )
}

/** A range slider showing its value; two-way with `bind`. */
export function Slider({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const min = asNumber(attrs.get('min'), 0)
  const bound = useBoundValue(node, attrs, min)
  const value = asNumber(bound.value, min)
  return (
    <Field type="Slider" attrs={attrs} error={bound.error}>
      {(control) => (
        <span className="nx-slider">
          <input
            {...control}
            type="range"
            className="nx-slider__input"
            min={min}
            max={asNumber(attrs.get('max'), 100)}
            step={asNumber(attrs.get('step'), 1)}
            value={value}
            disabled={asBoolean(attrs.get('disabled'), false)}
            onChange={(e) => bound.set(Number(e.currentTarget.value))}
          />
          <output className="nx-slider__value" htmlFor={control.id}>
            {value}
          </output>
        </span>
      )}
    </Field>
  )
}

/** A date input (`YYYY-MM-DD`); two-way with `bind`. */
export function DatePicker({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const bound = useBoundValue(node, attrs, '')
  return (
    <Field type="DatePicker" attrs={attrs} error={bound.error}>
      {(control) => (
        <input
          {...control}
          type="date"
          className="nx-input"
          value={displayText(bound.value)}
          min={displayText(attrs.get('min')) || undefined}
          max={displayText(attrs.get('max')) || undefined}
          required={asBoolean(attrs.get('required'), false)}
          disabled={asBoolean(attrs.get('disabled'), false)}
          onChange={(e) => bound.set(e.currentTarget.value)}
        />
      )}
    </Field>
  )
}
