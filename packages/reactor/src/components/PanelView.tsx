import type { PanelAst } from '@nexus/protocol'
import { useEffect, useMemo, useRef } from 'react'
import type { Store } from '../state/store.ts'
import { PanelContext, type PanelContextValue, type TriggerHandler } from './PanelContext.ts'
import { ViewChildren } from './ViewChildren.tsx'

export interface PanelViewProps {
  ast: PanelAst
  store: Store
  onTrigger: TriggerHandler
  /** Sets `data-theme` on the panel; omit to inherit from the page. */
  theme?: 'light' | 'dark'
}

/** Renders a panel's view against a store. Components subscribe to the keys they read, nothing more. */
export function PanelView({ ast, store, onTrigger, theme }: PanelViewProps) {
  // The latest handler without changing the context value, which would re-render every component.
  const handler = useRef(onTrigger)
  useEffect(() => {
    handler.current = onTrigger
  }, [onTrigger])
  const context = useMemo<PanelContextValue>(
    () => ({
      store,
      tools: new Map(ast.tools.map((t) => [t.name, t])),
      trigger: (tool, args) => handler.current(tool, args),
    }),
    [store, ast.tools],
  )
  return (
    <PanelContext.Provider value={context}>
      <section className="nx-panel" data-nx="Panel" aria-label={ast.title} {...(theme ? { 'data-theme': theme } : {})}>
        <ViewChildren nodes={ast.view} />
      </section>
    </PanelContext.Provider>
  )
}
