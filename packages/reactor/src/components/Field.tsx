import type { ReactNode } from 'react'
import { useId } from 'react'
import { displayText, nxAttributes } from './display.ts'
import type { BoundAttributes } from './useBindings.ts'

export interface FieldControlProps {
  id: string
  'aria-invalid'?: true
  'aria-describedby'?: string
}

/**
 * A labelled form control with its validation message (announced, and linked by `aria-describedby`). The
 * label, NXML id and evaluation error come from the field's `attrs`; `error` is the form's message.
 */
export function Field(props: {
  type: string
  attrs: BoundAttributes
  error: string | undefined
  inline?: boolean
  children: (control: FieldControlProps) => ReactNode
}) {
  const id = useId()
  const errorId = `${id}-error`
  const { attrs } = props
  const control: FieldControlProps = props.error ? { id, 'aria-invalid': true, 'aria-describedby': errorId } : { id }
  return (
    <div
      className={`nx-field${props.inline ? ' nx-field--inline' : ''}`}
      {...nxAttributes(props.type, displayText(attrs.get('id')), attrs.error)}
    >
      <label className="nx-field__label" htmlFor={id}>
        {displayText(attrs.get('label'))}
      </label>
      {props.children(control)}
      {props.error ? (
        <span className="nx-field__error" id={errorId} role="alert">
          {props.error}
        </span>
      ) : null}
    </div>
  )
}
