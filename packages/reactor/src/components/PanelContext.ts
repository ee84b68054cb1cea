import type { Json, JsonObject, ViewNode } from '@nexus/protocol'
import { createContext, useContext } from 'react'
import type { Store } from '../state/store.ts'

/** Called when a Button asks to run a tool; args are positional (array) or named (object). */
export type TriggerHandler = (tool: string, args: Json[] | JsonObject) => void

/** Called when a bound input changes: `key` is the `bind` path (`draft`, `form.email`). */
export type BindHandler = (key: string, value: Json) => void

/** What every component of one panel shares. Stable for the panel's lifetime, so it never re-renders them. */
export interface PanelContextValue {
  store: Store
  trigger: TriggerHandler
  bind: BindHandler
  /** Called on every render of a bound component (see `PanelViewProps.onComponentRender`). */
  onRender: ((node: ViewNode) => void) | undefined
}

export const PanelContext = createContext<PanelContextValue | undefined>(undefined)

export function usePanel(): PanelContextValue {
  const value = useContext(PanelContext)
  if (!value) throw new Error('Nexus components must be rendered inside <PanelView>')
  return value
}

/** `$scope` inside `<Iterate>`: the current item and index under their names. */
export const ScopeContext = createContext<JsonObject | undefined>(undefined)

export function useScope(): JsonObject | undefined {
  return useContext(ScopeContext)
}
