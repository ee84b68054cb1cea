import type { ViewNode } from '@nexus/protocol'
import { useId, useState, type KeyboardEvent } from 'react'
import { CONTAINER_VARIANTS, GAPS } from '../nxml/componentSpecs.ts'
import { asNumber, choice, displayText, nxAttributes } from './display.ts'
import { gridColumns, PlacedChildren } from './Layout.tsx'
import { ViewChildren } from './ViewChildren.tsx'
import { useBindings } from './useBindings.ts'

/** A titled frame around its children (a `region` landmark when titled). */
export function Container({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const variant = choice(attrs.get('variant'), CONTAINER_VARIANTS, 'card')
  const title = displayText(attrs.get('title'))
  const id = useId()
  return (
    <section
      className={`nx-container nx-container--${variant}`}
      aria-labelledby={title ? id : undefined}
      {...nxAttributes('Container', displayText(attrs.get('id')), attrs.error)}
    >
      {title ? (
        <h3 className="nx-container__title" id={id}>
          {title}
        </h3>
      ) : null}
      <div className="nx-container__body">
        <ViewChildren nodes={node.children} />
      </div>
    </section>
  )
}

/** Equal columns; children may take more with `span`. */
export function Grid({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const gap = choice(attrs.get('gap'), GAPS, 'md')
  const columns = gridColumns(attrs.get('columns'))
  return (
    <PlacedChildren
      className={`nx-grid nx-gap--${gap}`}
      nx={nxAttributes('Grid', displayText(attrs.get('id')), attrs.error)}
      nodes={node.children}
      columns={columns}
      auto={false}
    />
  )
}

/** Tabs over `<Tab label>` children: a WAI-ARIA tablist (arrow keys, Home/End) with one visible panel. */
export function Tabs({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  const tabs = node.children.filter((c) => c.type === 'Tab')
  const [selected, setSelected] = useState(() =>
    Math.max(0, Math.min(tabs.length - 1, Math.round(asNumber(attrs.get('selected'), 0)))),
  )
  const base = useId()
  const focusTab = (i: number) => {
    const next = (i + tabs.length) % tabs.length
    setSelected(next)
    if (typeof document !== 'undefined') document.getElementById(`${base}-tab-${next}`)?.focus()
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const moves: Record<string, number> = {
      ArrowRight: selected + 1,
      ArrowLeft: selected - 1,
      Home: 0,
      End: tabs.length - 1,
    }
    if (e.key in moves) {
      e.preventDefault()
      focusTab(moves[e.key]!)
    }
  }
  const current = tabs[selected]
  return (
    <div className="nx-tabs" {...nxAttributes('Tabs', displayText(attrs.get('id')), attrs.error)}>
      <div className="nx-tabs__list" role="tablist" onKeyDown={onKeyDown}>
        {tabs.map((tab, i) => (
          <button
            key={i}
            type="button"
            role="tab"
            id={`${base}-tab-${i}`}
            aria-selected={i === selected}
            aria-controls={`${base}-panel`}
            tabIndex={i === selected ? 0 : -1}
            className={`nx-tabs__tab${i === selected ? ' nx-tabs__tab--selected' : ''}`}
            onClick={() => setSelected(i)}
          >
            <TabLabel node={tab} />
          </button>
        ))}
      </div>
      <div className="nx-tabs__panel" role="tabpanel" id={`${base}-panel`} aria-labelledby={`${base}-tab-${selected}`}>
        {current ? <ViewChildren nodes={current.children} /> : null}
      </div>
    </div>
  )
}

function TabLabel({ node }: { node: ViewNode }) {
  const attrs = useBindings(node)
  return <>{displayText(attrs.get('label'))}</>
}

/** A `<Tab>` outside `<Tabs>` (reported by the validator) shows its content. */
export function Tab({ node }: { node: ViewNode }) {
  return <ViewChildren nodes={node.children} />
}
