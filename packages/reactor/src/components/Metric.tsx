import type { ViewNode } from '@nexus/protocol'
import { displayText, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

/** A labelled value, as a one-entry description list so assistive technology reads "label: value". */
export function Metric({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  return (
    <dl className="nx-metric" {...nxAttributes('Metric', displayText(attrs.get('id')), attrs.error)}>
      <dt className="nx-metric__label">{displayText(attrs.get('label'))}</dt>
      <dd className="nx-metric__value">{displayText(attrs.get('value'))}</dd>
    </dl>
  )
}
