// The browser side of e2e/components.e2e.test.ts: mounts or hydrates one panel per page through
// `window.nexus`, records tool calls, console errors and per-component render counts.
import type { JsonObject, ViewNode } from '@nexus/protocol'
import { createExpressionExecutor, createPanel, type Executor, type Panel, THEME_CSS } from '@nexus/reactor'
import { createRoot, hydrateRoot, type Root } from 'react-dom/client'

export interface NexusTestApi {
  /** Renders the panel client-side into #root. */
  mount(nxml: string, state?: JsonObject): void
  /** Puts server HTML into #root and hydrates it. */
  hydrate(nxml: string, state: JsonObject, html: string): void
  /** Tool calls the panel made, in order. */
  calls: { tool: string; args: JsonObject }[]
  /** React recoverable errors (hydration mismatches among them). */
  errors: string[]
  /** Renders per view node `id` (nodes without one count under their type). */
  renders: Record<string, number>
  panel: Panel | undefined
  ready: boolean
}

declare global {
  interface Window {
    nexus: NexusTestApi
  }
}

const style = document.createElement('style')
style.textContent = `${THEME_CSS}\nbody { margin: 0; background: #fff; }\n#root { width: 760px; }`
document.head.append(style)

const container = document.getElementById('root')!
let root: Root | undefined

const api: NexusTestApi = {
  calls: [],
  errors: [],
  renders: {},
  panel: undefined,
  ready: true,
  mount(nxml, state) {
    const panel = start(nxml, state)
    root?.unmount()
    root = createRoot(container)
    root.render(element(panel))
  },
  hydrate(nxml, state, html) {
    const panel = start(nxml, state)
    root?.unmount()
    container.innerHTML = html
    root = hydrateRoot(container, element(panel), {
      onRecoverableError: (error) => api.errors.push(String((error as Error).message ?? error)),
    })
  },
}

function start(nxml: string, state: JsonObject | undefined): Panel {
  const run = createExpressionExecutor()
  const executor: Executor = (tool, args, current) => {
    api.calls.push({ tool: tool.name, args })
    return run(tool, args, current)
  }
  api.calls = []
  api.renders = {}
  api.panel = createPanel(nxml, { executor, ...(state ? { state } : {}) })
  return api.panel
}

function element(panel: Panel) {
  const count = (node: ViewNode) => {
    const key = node.attrs['id'] ?? node.type
    api.renders[key] = (api.renders[key] ?? 0) + 1
  }
  return panel.element({ onComponentRender: count })
}

window.nexus = api
