import type { PanelAst } from '@nexus/protocol'
import { deriveFromPanel } from './deriveFromPanel.ts'
import type { ApplyResult, NogWriter } from './NogWriter.ts'
import { planPanelSync } from './planPanelSync.ts'

/**
 * Panels in the graph: the entities derived from each panel's NXML (panel, states, computeds, tools) follow
 * it through `PanelService`; user entities and relationships stay. Written through the workspace's queue.
 */
export class NogPanelSync {
  constructor(private readonly writer: NogWriter) {}

  /** Brings the entities derived from a panel's NXML up to date; user entities and relationships stay. */
  async syncPanel(workspaceId: string, panelId: string, title: string, ast: PanelAst): Promise<ApplyResult> {
    return this.syncDerived(workspaceId, panelId, deriveFromPanel(panelId, title, ast))
  }

  /** Deletes a panel's derived entities and every relationship touching them. */
  async removePanel(workspaceId: string, panelId: string): Promise<ApplyResult> {
    return this.syncDerived(workspaceId, panelId, undefined)
  }

  private syncDerived(workspaceId: string, panelId: string, derived: ReturnType<typeof deriveFromPanel> | undefined) {
    return this.writer.inQueue(workspaceId, async () => {
      const previous = await this.writer.repo.graphVersion(workspaceId)
      const entities = await this.writer.repo.panelEntities(workspaceId, panelId)
      const ids = new Set([...entities.map((s) => s.value.id), ...(derived?.entities.map((e) => e.id) ?? [])])
      const relationships = await this.writer.repo.relationshipsTouching(workspaceId, [...ids])
      const writes = planPanelSync({
        workspaceId,
        panelId,
        derived,
        entities,
        relationships,
        nextVersion: previous + 1,
        now: this.writer.clock(),
      })
      return this.writer.commit(workspaceId, writes, previous, false)
    })
  }
}
