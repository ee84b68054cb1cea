import type { ViewNode } from '@nexus/protocol'
import { Suspense, lazy, useEffect, useState } from 'react'
import { toJson } from '../expr/toJson.ts'
import { CHART_TYPES } from '../nxml/componentSpecs.ts'
import { asList, asNumber, choice, displayText, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

// recharts and its d3 helpers are most of a bundle's weight: loaded only once a chart is on screen.
const ChartBody = lazy(() => import('./ChartBody.tsx'))

/**
 * Line, bar, area and pie charts (recharts, in `ChartBody.tsx`) at a fixed size; animations are off.
 * Recharts draws nothing on the server, so server and first browser render show the same sized placeholder
 * and the chart appears once mounted and its module loaded (no hydration mismatch). The figure carries
 * `role="img"` and a label naming the chart.
 */
export function Chart({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const [mounted, setMounted] = useState(false)
  useEffect(() => setMounted(true), [])
  const type = choice(attrs.get('type'), CHART_TYPES, 'line')
  const data = asList(attrs.get('data')).map((d) => toJson(d)) as Record<string, unknown>[]
  const x = displayText(attrs.get('x')) || 'x'
  const ys = (displayText(attrs.get('y')) || 'y').split(',').map((s) => s.trim())
  const width = asNumber(attrs.get('width'), 480)
  const height = asNumber(attrs.get('height'), 240)
  const title = displayText(attrs.get('title')) || `${type} chart of ${ys.join(', ')} by ${x}`
  const placeholder = <div className="nx-chart__placeholder" style={{ width, height }} />
  return (
    <figure
      className="nx-chart"
      role="img"
      aria-label={title}
      style={{ width, height }}
      {...nxAttributes('Chart', displayText(attrs.get('id')), attrs.error)}
    >
      {mounted ? (
        <Suspense fallback={placeholder}>
          <ChartBody type={type} data={data} x={x} ys={ys} width={width} height={height} />
        </Suspense>
      ) : (
        placeholder
      )}
    </figure>
  )
}
