import type { ViewNode } from '@nexus/protocol'
import { TRENDS } from '../nxml/componentSpecs.ts'
import { displayText, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

const ARROWS = { up: '▲', down: '▼', flat: '▬' } as const

/** A labelled value, as a one-entry description list so assistive technology reads "label: value". */
export function Metric({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const unit = displayText(attrs.get('unit'))
  const trendValue = attrs.get('trend')
  const trend = (TRENDS as readonly unknown[]).includes(trendValue) ? (trendValue as keyof typeof ARROWS) : undefined
  return (
    <dl className="nx-metric" {...nxAttributes('Metric', displayText(attrs.get('id')), attrs.error)}>
      <dt className="nx-metric__label">{displayText(attrs.get('label'))}</dt>
      <dd className="nx-metric__value">
        {displayText(attrs.get('value'))}
        {unit ? <span className="nx-metric__unit"> {unit}</span> : null}
        {trend ? (
          <span className={`nx-metric__trend nx-metric__trend--${trend}`} aria-label={`trend ${trend}`}>
            {' '}
            {ARROWS[trend]}
          </span>
        ) : null}
      </dd>
    </dl>
  )
}
