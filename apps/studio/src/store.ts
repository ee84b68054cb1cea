import { create } from 'zustand'
import { ApiError, authStatus, listPanels, me, type PanelSummary, type User, type WorkspaceSummary } from './api.ts'
import { Connection, defaultSocketUrl, type ConnectionStatus } from './sync/Connection.ts'

export interface Route {
  page: 'workspace' | 'panel' | 'graph'
  panelId?: string
}

/** Where the app stands with the server: checking, first-run setup, logged out, or in. */
export type AuthState = 'loading' | 'setup' | 'login' | 'ready'

interface StudioState {
  auth: AuthState
  user: User | undefined
  workspaces: WorkspaceSummary[]
  workspaceId: string | undefined
  route: Route
  panels: PanelSummary[]
  panelsError: string | undefined
  status: ConnectionStatus
  /** The last server message the connection could not read, shown until the next reconnect. */
  connectionNotice: string | undefined
  /** Why the session could not be read (an answer the studio cannot read); the login page shows under it. */
  sessionNotice: string | undefined
  connection: Connection | undefined
  loadSession(): Promise<void>
  signedOut(): void
  selectWorkspace(id: string): void
  navigate(route: Route): void
  refreshPanels(): Promise<void>
  connect(): Connection
}

export function routeFromHash(hash: string): Route {
  if (/^#\/graph\/?$/.test(hash)) return { page: 'graph' }
  const match = /^#\/panels\/([A-Za-z0-9_-]+)/.exec(hash)
  return match ? { page: 'panel', panelId: match[1] } : { page: 'workspace' }
}

export const useStudio = create<StudioState>((set, get) => ({
  auth: 'loading',
  user: undefined,
  workspaces: [],
  workspaceId: undefined,
  route: routeFromHash(window.location.hash),
  panels: [],
  panelsError: undefined,
  status: 'connecting',
  connectionNotice: undefined,
  sessionNotice: undefined,
  connection: undefined,
  async loadSession() {
    // Not logged in is the login page; an answer that does not match the protocol is also said out loud.
    const unreadable = (error: unknown) =>
      error instanceof ApiError && error.body.code === 'BAD_RESPONSE' ? error.message : undefined
    let sessionNotice: string | undefined
    const status = await authStatus().catch((error: unknown) => {
      sessionNotice = unreadable(error)
      return { setupRequired: false, user: null }
    })
    if (status.setupRequired) return set({ auth: 'setup', sessionNotice })
    try {
      const { user, workspaces } = await me()
      set({ auth: 'ready', user, workspaces, workspaceId: get().workspaceId ?? workspaces[0]?.id, sessionNotice })
    } catch (error) {
      set({ auth: 'login', sessionNotice: sessionNotice ?? unreadable(error) })
    }
  },
  signedOut() {
    get().connection?.close()
    set({ auth: 'login', user: undefined, workspaces: [], workspaceId: undefined, panels: [], connection: undefined })
  },
  // WorkspacePage reloads the panel list when `workspaceId` changes.
  selectWorkspace(workspaceId) {
    set({ workspaceId })
  },
  navigate(route) {
    window.location.hash =
      route.page === 'panel' ? `#/panels/${route.panelId}` : route.page === 'graph' ? '#/graph' : '#/'
    set({ route })
  },
  async refreshPanels() {
    const workspaceId = get().workspaceId
    if (!workspaceId) return
    try {
      const { panels } = await listPanels(workspaceId)
      set({ panels, panelsError: undefined })
    } catch (error) {
      set({ panelsError: (error as Error).message })
    }
  },
  connect() {
    const existing = get().connection
    if (existing) return existing
    const connection = new Connection(defaultSocketUrl(), (status) =>
      set(status === 'open' ? { status, connectionNotice: undefined } : { status }),
    )
    connection.onProblem((connectionNotice) => set({ connectionNotice }))
    set({ connection })
    return connection
  },
}))

window.addEventListener('hashchange', () => useStudio.setState({ route: routeFromHash(window.location.hash) }))
