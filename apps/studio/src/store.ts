import { create } from 'zustand'
import { WorkspaceSummarySchema } from '@nexus/protocol'
import {
  ApiError,
  authStatus,
  listPanels,
  me,
  request,
  type PanelSummary,
  type User,
  type WorkspaceSummary,
} from './api.ts'
import { hashOf, routeFromHash, type Route } from './shell/route.ts'
import { startWorkspaceSync } from './shell/workspaceSync.ts'
import { Connection, defaultSocketUrl, type ConnectionStatus } from './sync/Connection.ts'

export type { Route } from './shell/route.ts'
export { routeFromHash } from './shell/route.ts'

/** Where the app stands with the server: checking, first-run setup, logged out, or in. */
export type AuthState = 'loading' | 'setup' | 'login' | 'ready'

interface StudioState {
  auth: AuthState
  user: User | undefined
  workspaces: WorkspaceSummary[]
  workspaceId: string | undefined
  route: Route
  panels: PanelSummary[]
  /** False until the workspace's panel list first arrived (the dock and home show skeletons meanwhile). */
  panelsLoaded: boolean
  panelsError: string | undefined
  status: ConnectionStatus
  /** Reconnection attempts since the connection was last open (0 while open). */
  attempt: number
  /** The last server message the connection could not read, shown until the next reconnect. */
  connectionNotice: string | undefined
  /** Why the session could not be read (an answer the studio cannot read); the login page shows under it. */
  sessionNotice: string | undefined
  connection: Connection | undefined
  loadSession(): Promise<void>
  signedOut(): void
  selectWorkspace(id: string): void
  /** Creates a workspace (the caller owns it) and switches to it. */
  createWorkspace(name: string): Promise<WorkspaceSummary>
  navigate(route: Route): void
  refreshPanels(): Promise<void>
  connect(): Connection
}

let stopWorkspaceSync: (() => void) | undefined

/** The session, the route and the workspace's live panel list; the shell's UI state is `useUi` (shell/uiStore.ts). */
export const useStudio = create<StudioState>((set, get) => ({
  auth: 'loading',
  user: undefined,
  workspaces: [],
  workspaceId: undefined,
  route: routeFromHash(window.location.hash),
  panels: [],
  panelsLoaded: false,
  panelsError: undefined,
  status: 'connecting',
  attempt: 0,
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
      const kept = workspaces.find((w) => w.id === get().workspaceId)
      set({ auth: 'ready', user, workspaces, workspaceId: kept?.id ?? workspaces[0]?.id, sessionNotice })
    } catch (error) {
      set({ auth: 'login', sessionNotice: sessionNotice ?? unreadable(error) })
    }
  },
  signedOut() {
    stopWorkspaceSync?.()
    stopWorkspaceSync = undefined
    get().connection?.close()
    set({
      auth: 'login',
      user: undefined,
      workspaces: [],
      workspaceId: undefined,
      panels: [],
      panelsLoaded: false,
      connection: undefined,
    })
  },
  selectWorkspace(workspaceId) {
    if (workspaceId === get().workspaceId) return
    set({ workspaceId, panels: [], panelsLoaded: false, panelsError: undefined })
    if (get().route.page === 'panel') get().navigate({ page: 'workspace' })
    followWorkspace()
  },
  async createWorkspace(name) {
    const body = JSON.stringify({ name })
    const made = await request(WorkspaceSummarySchema, '/api/workspaces', { method: 'POST', body })
    set({ workspaces: [...get().workspaces, made] })
    get().selectWorkspace(made.id)
    return made
  },
  navigate(route) {
    window.location.hash = hashOf(route)
    set({ route })
  },
  async refreshPanels() {
    const workspaceId = get().workspaceId
    if (!workspaceId) return
    try {
      const { panels } = await listPanels(workspaceId)
      if (get().workspaceId === workspaceId) set({ panels, panelsLoaded: true, panelsError: undefined })
    } catch (error) {
      set({ panelsError: (error as Error).message })
    }
  },
  connect() {
    const existing = get().connection
    if (existing) return existing
    const connection = new Connection(defaultSocketUrl(), (status) => {
      if (status === 'open') set({ status, attempt: 0, connectionNotice: undefined })
      else if (status === 'closed') set({ status, attempt: get().attempt + 1 })
      else set({ status })
    })
    connection.onProblem((connectionNotice) => set({ connectionNotice }))
    set({ connection })
    followWorkspace()
    return connection
  },
}))

/** Keeps `panels` in step with the current workspace's `workspace:<id>` channel. */
function followWorkspace(): void {
  const { connection, workspaceId } = useStudio.getState()
  stopWorkspaceSync?.()
  stopWorkspaceSync = undefined
  if (!connection || !workspaceId) return
  stopWorkspaceSync = startWorkspaceSync(connection, workspaceId, {
    panels: (panels) => {
      // `panelsError` stays: it says the HTTP list could not be read, which the channel does not answer.
      if (useStudio.getState().workspaceId === workspaceId) useStudio.setState({ panels, panelsLoaded: true })
    },
    error: (panelsError) => useStudio.setState({ panelsError }),
  })
}

window.addEventListener('hashchange', () => useStudio.setState({ route: routeFromHash(window.location.hash) }))
