import type { ViewNode } from '@nexus/protocol'
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  Pie,
  PieChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import { useEffect, useState } from 'react'
import { toJson } from '../expr/toJson.ts'
import { CHART_TYPES } from '../nxml/componentSpecs.ts'
import { asList, asNumber, choice, displayText, nxAttributes } from './display.ts'
import { useBindings } from './useBindings.ts'

const PALETTE = ['--nx-chart-1', '--nx-chart-2', '--nx-chart-3', '--nx-chart-4', '--nx-chart-5'].map((v) => `var(${v})`)

/** The palette colour of the `i`th series or slice. */
function color(i: number): string {
  return PALETTE[i % PALETTE.length]!
}

/**
 * Line, bar, area and pie charts (recharts) at a fixed size; animations are off. Recharts draws nothing on
 * the server, so server and first browser render show the same sized placeholder and the chart appears once
 * mounted (no hydration mismatch). The figure carries `role="img"` and a label naming the chart.
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
  const common = { width, height, data, margin: { top: 8, right: 16, bottom: 8, left: 0 } }
  const axes = [
    <CartesianGrid key="g" strokeDasharray="3 3" stroke="var(--nx-border)" />,
    <XAxis key="x" dataKey={x} stroke="var(--nx-muted)" />,
    <YAxis key="y" stroke="var(--nx-muted)" />,
    <Tooltip key="t" isAnimationActive={false} />,
    ...(ys.length > 1 ? [<Legend key="l" />] : []),
  ]
  let chart
  if (type === 'pie') {
    chart = (
      <PieChart width={width} height={height}>
        <Pie
          data={data}
          dataKey={ys[0]!}
          nameKey={x}
          outerRadius={Math.min(width, height) / 2 - 32}
          isAnimationActive={false}
          label
        >
          {data.map((_, i) => (
            <Cell key={i} fill={color(i)} />
          ))}
        </Pie>
        <Tooltip isAnimationActive={false} />
      </PieChart>
    )
  } else if (type === 'bar') {
    chart = (
      <BarChart {...common}>
        {axes}
        {ys.map((y, i) => (
          <Bar key={y} dataKey={y} fill={color(i)} isAnimationActive={false} />
        ))}
      </BarChart>
    )
  } else if (type === 'area') {
    chart = (
      <AreaChart {...common}>
        {axes}
        {ys.map((y, i) => (
          <Area key={y} dataKey={y} stroke={color(i)} fill={color(i)} fillOpacity={0.25} isAnimationActive={false} />
        ))}
      </AreaChart>
    )
  } else {
    chart = (
      <LineChart {...common}>
        {axes}
        {ys.map((y, i) => (
          <Line key={y} dataKey={y} stroke={color(i)} strokeWidth={2} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    )
  }
  return (
    <figure
      className="nx-chart"
      role="img"
      aria-label={title}
      style={{ width, height }}
      {...nxAttributes('Chart', displayText(attrs.get('id')), attrs.error)}
    >
      {mounted ? chart : <div className="nx-chart__placeholder" style={{ width, height }} />}
    </figure>
  )
}
