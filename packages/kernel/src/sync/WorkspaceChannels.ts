import { escapePointer, type JsonObject } from '@nexus/protocol'
import type { AccountService } from '../accounts/AccountService.ts'
import type { PanelSummary } from '../db/PanelRepository.ts'
import type { PanelService } from '../panels/PanelService.ts'
import { principalOf, type Client } from './Client.ts'
import { Frame } from './Outbox.ts'

/**
 * `workspace:<id>` channels: the workspace's live panels as a map by id (title, version, layout), then
 * `add`/`remove` patches as panels appear, change or go to the trash. Versions count changes since the
 * kernel started; a reconnecting client gets a fresh snapshot.
 */
export class WorkspaceChannels {
  private readonly versions = new Map<string, number>()

  constructor(
    private readonly panels: PanelService,
    private readonly accounts: AccountService,
  ) {}

  async subscribe(client: Client, channel: string): Promise<{ version: number; panels: number }> {
    const workspaceId = channel.slice('workspace:'.length)
    await this.accounts.requireRole(principalOf(client), workspaceId, 'viewer')
    return this.snapshot(client, channel)
  }

  async snapshot(client: Client, channel: string): Promise<{ version: number; panels: number }> {
    const workspaceId = channel.slice('workspace:'.length)
    let version = -1
    let entities: JsonObject = {}
    for (let attempt = 0; ; attempt++) {
      version = this.versions.get(workspaceId) ?? 0
      entities = {}
      for (const p of await this.panels.list([workspaceId])) entities[p.id] = summary(p)
      if ((this.versions.get(workspaceId) ?? 0) === version || attempt === 5) break
    }
    client.outbox.send(new Frame({ type: 'snapshot', channel, version, entities }))
    return { version, panels: Object.keys(entities).length }
  }

  /** One panel of the workspace changed: every subscriber gets the same patch, encoded once. */
  broadcast(workspaceId: string, panelId: string, clients: Iterable<Client>): void {
    const version = (this.versions.get(workspaceId) ?? 0) + 1
    this.versions.set(workspaceId, version)
    const channel = `workspace:${workspaceId}`
    const panel = this.panels.cached(panelId)
    const path = `/${escapePointer(panelId)}`
    const ops =
      panel && panel.deletedAt === null
        ? [{ op: 'add' as const, path, value: summary(panel) }]
        : [{ op: 'remove' as const, path }]
    const frame = new Frame({ type: 'patch', channel, version, ops })
    for (const client of clients) client.outbox.sendPatch(channel, frame)
  }
}

/** The same fields `GET /api/panels` lists. */
function summary(p: PanelSummary): JsonObject {
  const { id, title, version, workspaceId, deletedAt, x, y, w, h, updatedAt } = p
  return { id, title, version, workspaceId, deletedAt, x, y, w, h, updatedAt }
}
