import type { PanelAst } from '@nexus/protocol'
import type { NxmlPanelAst } from '@nexus/reactor'

/** What the index needs of a panel: the in-memory copy, read at the moment it changes. */
export interface ListeningPanel {
  id: string
  workspaceId: string | null
  deletedAt: number | null
  ast: PanelAst
}

const EVENT_PREFIX = 'event:'

/** One workspace's listeners: event name → panel ids, and each panel's events (to take it out again). */
class WorkspaceListeners {
  private readonly byEvent = new Map<string, Set<string>>()
  private readonly byPanel = new Map<string, { ast: PanelAst | undefined; events: string[] }>()

  put(panel: ListeningPanel): void {
    const ast = panel.deletedAt === null ? panel.ast : undefined
    const previous = this.byPanel.get(panel.id)
    if (previous && previous.ast === ast) return // nothing that decides listening changed (e.g. a state change)
    for (const name of previous?.events ?? []) this.byEvent.get(name)?.delete(panel.id)
    const events = ast ? listenedEvents(ast) : []
    for (const name of events) {
      const set = this.byEvent.get(name) ?? new Set<string>()
      set.add(panel.id)
      this.byEvent.set(name, set)
    }
    this.byPanel.set(panel.id, { ast, events })
  }

  listeners(event: string): readonly string[] {
    return [...(this.byEvent.get(event) ?? [])]
  }
}

/**
 * Which panels listen to which `<Lifecycle on="event:…">`, per workspace, in memory: an `$emit` looks its
 * listeners up instead of loading every panel of the workspace. A workspace is loaded on its first emit and
 * kept current from then on by `update`, called whenever a panel is created, edited, trashed or restored.
 */
export class EventListenerIndex {
  private readonly entries = new Map<string, WorkspaceListeners>()
  private readonly loads = new Map<string, Promise<WorkspaceListeners>>()

  /** A panel changed; its workspace's entry follows if that workspace is loaded (or loading). */
  update(panel: ListeningPanel): void {
    if (panel.workspaceId) this.entries.get(panel.workspaceId)?.put(panel)
  }

  /** The panels listening to `event` in a workspace; `panels` lists the workspace's live panels on first use. */
  async listeners(
    workspaceId: string,
    event: string,
    panels: () => Promise<ListeningPanel[]>,
  ): Promise<readonly string[]> {
    let load = this.loads.get(workspaceId)
    if (!load) {
      // The entry exists (and takes updates) before the listing returns, so a panel changed meanwhile is kept.
      const entry = new WorkspaceListeners()
      this.entries.set(workspaceId, entry)
      load = panels().then((list) => {
        for (const panel of list) entry.put(panel)
        return entry
      })
      this.loads.set(workspaceId, load)
      load.catch(() => {
        this.loads.delete(workspaceId)
        this.entries.delete(workspaceId)
      })
    }
    return (await load).listeners(event)
  }
}

function listenedEvents(ast: PanelAst): string[] {
  const names = (ast as NxmlPanelAst).lifecycles
    ?.filter((lc) => lc.on.startsWith(EVENT_PREFIX))
    .map((lc) => lc.on.slice(EVENT_PREFIX.length))
  return [...new Set(names ?? [])]
}
