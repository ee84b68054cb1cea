import { create } from 'zustand'
import { listPanels, type PanelSummary } from './api.ts'
import { Connection, defaultSocketUrl, type ConnectionStatus } from './sync/Connection.ts'

export interface Route {
  page: 'workspace' | 'panel'
  panelId?: string
}

interface StudioState {
  route: Route
  panels: PanelSummary[]
  panelsError: string | undefined
  status: ConnectionStatus
  connection: Connection | undefined
  navigate(route: Route): void
  refreshPanels(): Promise<void>
  connect(): Connection
}

export function routeFromHash(hash: string): Route {
  const match = /^#\/panels\/([A-Za-z0-9_-]+)/.exec(hash)
  return match ? { page: 'panel', panelId: match[1] } : { page: 'workspace' }
}

export const useStudio = create<StudioState>((set, get) => ({
  route: routeFromHash(window.location.hash),
  panels: [],
  panelsError: undefined,
  status: 'connecting',
  connection: undefined,
  navigate(route) {
    window.location.hash = route.page === 'panel' ? `#/panels/${route.panelId}` : '#/'
    set({ route })
  },
  async refreshPanels() {
    try {
      const { panels } = await listPanels()
      set({ panels, panelsError: undefined })
    } catch (error) {
      set({ panelsError: (error as Error).message })
    }
  },
  connect() {
    const existing = get().connection
    if (existing) return existing
    const connection = new Connection(defaultSocketUrl(), (status) => set({ status }))
    set({ connection })
    return connection
  },
}))

window.addEventListener('hashchange', () => useStudio.setState({ route: routeFromHash(window.location.hash) }))
