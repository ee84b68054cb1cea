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
      `"<section class="nx-panel" data-nx="Panel" aria-label="P" data-theme="dark"><div class="nx-unknown" role="note" data-nx="Unknown" data-nx-type="Chart"><span class="nx-unknown__label">Unknown component &lt;Chart&gt;</span><p class="nx-text" data-nx="Text" data-nx-error="content: Cannot read &quot;y&quot; of undefined"></p></div><div class="nx-layout nx-layout--grid nx-gap--lg" data-nx="Layout"><button type="button" class="nx-button nx-button--danger" data-nx="Button">Go 0</button></div></section>"`,
    )
  })
})
