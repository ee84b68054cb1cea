import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { compileNxml } from './nxml/compile.ts'
import { renderPanelToString } from './ssr.ts'

const counter = readFileSync(new URL('../test/cases/counter.nxml', import.meta.url), 'utf8')

describe('renderPanelToString', () => {
  it('renders the counter with its state', () => {
    const { ast } = compileNxml(counter)
    expect(renderPanelToString(ast!, { count: 3 })).toMatchInlineSnapshot(
      `"<section class="nx-panel" data-nx="Panel" aria-label="Counter"><div class="nx-layout nx-layout--stack nx-gap--md" data-nx="Layout"><dl class="nx-metric" data-nx="Metric"><dt class="nx-metric__label">Count</dt><dd class="nx-metric__value">3</dd></dl><p class="nx-text" data-nx="Text">Double: 6</p><button type="button" class="nx-button nx-button--primary" data-nx="Button">+1</button></div></section>"`,
    )
  })

  it('renders unknown components as a visible placeholder and binding errors as data attributes', () => {
    const { ast } = compileNxml(`<NexusPanel title="P"><Data><State name="n" type="number" /></Data><View>
      <Chart kind="pie"><Text content="{$state.n.x.y}" /></Chart>
      <Layout strategy="grid" gap="lg"><Button label="{'Go ' + $state.n}" trigger="go" variant="danger" /></Layout>
    </View></NexusPanel>`)
    expect(renderPanelToString(ast!, {}, { theme: 'dark' })).toMatchInlineSnapshot(
      `"<section class="nx-panel" data-nx="Panel" aria-label="P" data-theme="dark"><figure class="nx-chart" role="img" aria-label="line chart of y by x" style="width:480px;height:240px" data-nx="Chart"><div class="nx-chart__placeholder" style="width:480px;height:240px"></div></figure><div class="nx-layout nx-layout--grid nx-gap--lg" style="grid-template-columns:repeat(3, minmax(0, 1fr))" data-nx="Layout"><div class="nx-cell" style="grid-column:1 / span 1;grid-row:1"><button type="button" class="nx-button nx-button--danger" data-nx="Button">Go 0</button></div></div></section>"`,
    )
  })
})
