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
import type { CHART_TYPES } from '../nxml/componentSpecs.ts'

const PALETTE = ['--nx-chart-1', '--nx-chart-2', '--nx-chart-3', '--nx-chart-4', '--nx-chart-5'].map((v) => `var(${v})`)

/** The palette colour of the `i`th series or slice. */
function color(i: number): string {
  return PALETTE[i % PALETTE.length]!
}

export interface ChartBodyProps {
  type: (typeof CHART_TYPES)[number]
  data: Record<string, unknown>[]
  x: string
  ys: string[]
  width: number
  height: number
}

/**
 * The recharts drawing of a `Chart`, in its own module so bundlers put recharts (and its d3 helpers) in a
 * chunk of their own that `Chart` loads once a chart is mounted in the browser.
 */
export default function ChartBody({ type, data, x, ys, width, height }: ChartBodyProps) {
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
  return chart
}
