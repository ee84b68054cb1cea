import { applyPatch, PanelSummarySchema, type ErrorBody, type Json, type JsonObject } from '@nexus/protocol'
import type { PanelSummary } from '../api.ts'
import type { Connection } from '../sync/Connection.ts'

/** What the `workspace:<id>` channel tells the shell. */
export interface WorkspaceSyncEvents {
  /** The workspace's live panels (not in the trash), by title. */
  panels(panels: PanelSummary[]): void
  error(message: string): void
}

/** The panels of a channel's entities, each checked against its protocol schema (a bad one is reported). */
export function readPanels(entities: JsonObject, error: (message: string) => void): PanelSummary[] {
  const panels: PanelSummary[] = []
  for (const [id, value] of Object.entries(entities)) {
    const parsed = PanelSummarySchema.safeParse(value)
    if (parsed.success) {
      if (parsed.data.deletedAt === null) panels.push(parsed.data)
    } else error(`The kernel sent panel ${id} in a shape this studio cannot read: ${parsed.error.issues[0]?.message}`)
  }
  // By title, numbers in titles by value ("Load 2" before "Load 10"): a stable order (ids are random,
  // `updatedAt` moves with every change).
  return panels.sort((a, b) => byTitle.compare(a.title, b.title) || a.id.localeCompare(b.id))
}

const byTitle = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

/**
 * Keeps the workspace's panel list live over the shared connection: a snapshot of the panels by id, then
 * `add`/`remove` patches in version order (a gap asks for a fresh snapshot). After a reconnect `onOpen`
 * subscribes again and the kernel answers with a fresh snapshot. Answers the stop function.
 */
export function startWorkspaceSync(connection: Connection, workspaceId: string, on: WorkspaceSyncEvents): () => void {
  const channel = `workspace:${workspaceId}`
  let entities: JsonObject | undefined
  let version = -1
  const subscribe = () => {
    entities = undefined
    connection.request({ type: 'subscribe', channel }).catch((e: ErrorBody) => {
      if (e.code !== 'DISCONNECTED') on.error(e.message) // a drop resubscribes on reopen
    })
  }
  const offMessage = connection.onMessage((message) => {
    if (message.type === 'snapshot' && message.channel === channel && message.entities) {
      entities = message.entities as JsonObject
      version = message.version
      on.panels(readPanels(entities, on.error))
    } else if (message.type === 'patch' && message.channel === channel && entities) {
      if (message.version <= version) return
      const next = message.version === version + 1 ? applyPatch(entities as Json, message.ops) : undefined
      if (!next?.ok) return subscribe() // out of step: start again from a snapshot
      entities = next.value as JsonObject
      version = message.version
      on.panels(readPanels(entities, on.error))
    }
  })
  const offOpen = connection.onOpen(subscribe)
  return () => {
    offMessage()
    offOpen()
    connection.request({ type: 'unsubscribe', channel }).catch(() => undefined)
  }
}
