import { create } from 'zustand'
import type { EntityCategory, NogGraph } from '@nexus/protocol'
import { NO_FILTER, type GraphFilter } from './filterGraph.ts'
import { fetchGraph } from './graphApi.ts'

interface GraphState {
  /** The workspace the graph belongs to; a different one resets it. */
  workspaceId: string | undefined
  graph: NogGraph | undefined
  version: number
  truncated: boolean
  loading: boolean
  error: string | undefined
  /** Why the live channel could not be joined (the view then shows what it loaded, and says so). */
  liveError: string | undefined
  filter: GraphFilter
  selectedId: string | undefined
  /** Loads (or reloads, keeping what is shown until the answer comes) the workspace's graph. */
  load(workspaceId: string): Promise<void>
  toggleCategory(category: EntityCategory): void
  toggleTag(tag: string): void
  setQuery(query: string): void
  clearFilter(): void
  select(id: string | undefined): void
  setLive(error: string | undefined): void
}

/** Answers that arrive out of order (a reload overtaken by a later one) are dropped by this counter. */
let loads = 0

export const useGraph = create<GraphState>((set, get) => ({
  workspaceId: undefined,
  graph: undefined,
  version: -1,
  truncated: false,
  loading: false,
  error: undefined,
  liveError: undefined,
  filter: NO_FILTER,
  selectedId: undefined,
  async load(workspaceId) {
    const ticket = ++loads
    if (get().workspaceId !== workspaceId)
      set({ workspaceId, graph: undefined, version: -1, selectedId: undefined, filter: NO_FILTER })
    set({ loading: true })
    try {
      const { version, truncated, entities, relationships } = await fetchGraph(workspaceId)
      if (ticket !== loads) return
      const selectedId = get().selectedId
      set({
        graph: { entities, relationships },
        version,
        truncated,
        loading: false,
        error: undefined,
        selectedId: entities.some((e) => e.id === selectedId) ? selectedId : undefined,
      })
    } catch (error) {
      if (ticket === loads) set({ loading: false, error: (error as Error).message })
    }
  },
  toggleCategory(category) {
    const hidden = new Set(get().filter.hiddenCategories)
    if (!hidden.delete(category)) hidden.add(category)
    set({ filter: { ...get().filter, hiddenCategories: hidden } })
  },
  toggleTag(tag) {
    const tags = new Set(get().filter.tags)
    if (!tags.delete(tag)) tags.add(tag)
    set({ filter: { ...get().filter, tags } })
  },
  setQuery(query) {
    set({ filter: { ...get().filter, query } })
  },
  clearFilter() {
    set({ filter: NO_FILTER })
  },
  select(selectedId) {
    set({ selectedId })
  },
  setLive(liveError) {
    set({ liveError })
  },
}))
