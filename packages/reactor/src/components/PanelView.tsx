import type { Json, PanelAst, ViewNode } from '@nexus/protocol'
import { useEffect, useMemo, useRef } from 'react'
import type { Store } from '../state/store.ts'
import { DEFAULT_REGISTRY } from './defaultRegistry.ts'
import { type BindHandler, PanelContext, type PanelContextValue, type TriggerHandler } from './PanelContext.ts'
import { RegistryContext } from './registry.ts'
import { bindPatch } from './useBoundValue.ts'
import { ViewChildren } from './ViewChildren.tsx'

export interface PanelViewProps {
  ast: PanelAst
  store: Store
  onTrigger: TriggerHandler
  /**
   * Two-way `bind` on inputs: called with the bind path (`draft`, `form.email`) and the new value. When
   * absent, the input writes to `store` with a JSON Patch.
   */
  onBind?: BindHandler
  /** Sets `data-theme` on the panel; omit to inherit from the page. */
  theme?: 'light' | 'dark'
  /**
   * Called each time a component bound to state renders (twice under StrictMode): a probe for tests and
   * devtools that shows which components a patch re-renders. Read once, when the view mounts.
   */
  onComponentRender?: (node: ViewNode) => void
}

/** Renders a panel's view against a store. Components subscribe to the keys they read, nothing more. */
export function PanelView({ ast, store, onTrigger, onBind, theme, onComponentRender }: PanelViewProps) {
  // The latest handlers without changing the context value, which would re-render every component.
  const handler = useRef(onTrigger)
  const binder = useRef(onBind)
  useEffect(() => {
    handler.current = onTrigger
    binder.current = onBind
  }, [onTrigger, onBind])
  const context = useMemo<PanelContextValue>(
    () => ({
      store,
      trigger: (tool, args) => handler.current(tool, args),
      bind: (key: string, value: Json) => {
        if (binder.current) binder.current(key, value)
        else {
          const result = store.applyPatch(bindPatch(key, value))
          if (!result.ok) console.warn(`[nexus] bind "${key}": ${result.error.message}`)
        }
      },
      onRender: onComponentRender,
    }),
    [store],
  )
  return (
    <PanelContext.Provider value={context}>
      <RegistryContext.Provider value={DEFAULT_REGISTRY}>
        <section
          className="nx-panel"
          data-nx="Panel"
          aria-label={ast.title}
          {...(theme ? { 'data-theme': theme } : {})}
        >
          <ViewChildren nodes={ast.view} />
        </section>
      </RegistryContext.Provider>
    </PanelContext.Provider>
  )
}
