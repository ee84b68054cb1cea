import type { JsonObject, PanelAst } from '@nexus/protocol'
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { PanelView } from './components/PanelView.tsx'
import { initialState } from './nxml/compile.ts'
import { createStore } from './state/store.ts'

/**
 * Renders a panel to HTML with the same components the browser uses, so the page can hydrate it.
 * `state` is laid over the declared defaults.
 * @example renderPanelToString(ast, { count: 3 })
 */
export function renderPanelToString(
  ast: PanelAst,
  state: JsonObject,
  options: { theme?: 'light' | 'dark' } = {},
): string {
  const store = createStore({ ...initialState(ast), ...state }, ast.computeds)
  return renderToString(createElement(PanelView, { ast, store, onTrigger: () => undefined, ...options }))
}
