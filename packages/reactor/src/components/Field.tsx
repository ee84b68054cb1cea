import type { ReactNode } from 'react'
import { useId } from 'react'
import { nxAttributes } from './display.ts'

export interface FieldControlProps {
  id: string
  'aria-invalid'?: true
  'aria-describedby'?: string
}

/** A labelled form control with its validation message (announced, and linked by `aria-describedby`). */
export function Field(props: {
  type: string
  label: string
  nxId: string | undefined
  evalError: string | undefined
  error: string | undefined
  inline?: boolean
  children: (control: FieldControlProps) => ReactNode
}) {
  const id = useId()
  const errorId = `${id}-error`
  const control: FieldControlProps = props.error ? { id, 'aria-invalid': true, 'aria-describedby': errorId } : { id }
  return (
    <div
      className={`nx-field${props.inline ? ' nx-field--inline' : ''}`}
      {...nxAttributes(props.type, props.nxId, props.evalError)}
    >
      <label className="nx-field__label" htmlFor={id}>
        {props.label}
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
