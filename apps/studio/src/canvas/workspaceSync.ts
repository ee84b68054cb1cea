import { PanelSummarySchema, parsePointer, type ErrorBody, type PanelSummary } from '@nexus/protocol'
import type { Connection } from '../sync/Connection.ts'

export interface WorkspaceSyncEvents {
  snapshot(panels: PanelSummary[]): void
  upsert(panel: PanelSummary): void
  remove(panelId: string): void
  problem(message: string): void
}

/**
 * Follows `workspace:<id>` (packages/kernel/src/sync/WorkspaceChannels.ts): a snapshot of the live panels by
 * id, then `add`/`remove` patches at `/<panelId>` in version order; a gap asks for a fresh snapshot, and so
 * does every reconnect (the kernel's workspace versions do not survive a restart). Returns `stop`.
 */
export function startWorkspaceSync(connection: Connection, workspaceId: string, on: WorkspaceSyncEvents): () => void {
  const channel = `workspace:${workspaceId}`
  let version: number | undefined
  const subscribe = () => {
    version = undefined
    connection.request({ type: 'subscribe', channel }).catch((e: ErrorBody) => on.problem(e.message))
  }
  const read = (value: unknown): PanelSummary | undefined => {
    const parsed = PanelSummarySchema.safeParse(value)
    if (!parsed.success) on.problem(`The kernel sent a panel this studio cannot read: ${parsed.error.message}`)
    return parsed.success ? parsed.data : undefined
  }
  const offMessage = connection.onMessage((message) => {
    if ((message.type !== 'snapshot' && message.type !== 'patch') || message.channel !== channel) return
    if (message.type === 'snapshot') {
      version = message.version
      const panels: PanelSummary[] = []
      for (const value of Object.values(message.entities ?? {})) {
        const panel = read(value)
        if (panel && panel.deletedAt === null) panels.push(panel)
      }
      on.snapshot(panels)
    } else if (message.type === 'patch' && version !== undefined) {
      if (message.version <= version) return
      if (message.version !== version + 1) return subscribe()
      version = message.version
      for (const op of message.ops) {
        const id = parsePointer(op.path)[0]
        if (id === undefined) continue
        if (op.op === 'remove') on.remove(id)
        else if (op.op === 'add' || op.op === 'replace') {
          const panel = read(op.value)
          if (panel?.deletedAt === null) on.upsert(panel)
          else if (panel) on.remove(panel.id)
        }
      }
    }
  })
  const offOpen = connection.onOpen(subscribe)
  // No `unsubscribe` on stop: the kernel keeps one subscription per channel and socket, and the dock may be
  // following the same channel on this connection; the listener going away is enough.
  return () => {
    offMessage()
    offOpen()
  }
}
