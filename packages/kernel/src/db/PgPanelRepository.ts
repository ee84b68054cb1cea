import { and, asc, eq, gt, inArray, isNotNull, isNull } from 'drizzle-orm'
import type { NodePgDatabase } from 'drizzle-orm/node-postgres'
import type { TrilogEvent } from '@nexus/trilog'
import { outboxRows } from '../panels/HistoryOutbox.ts'
import { changeFromRow, panelFromRow, type PanelRepository, type StoredPanel } from './PanelRepository.ts'
import * as schema from './schema.pg.ts'

const { panels, panelChanges, trilogOutbox } = schema

/** PostgreSQL through node-postgres. */
export class PgPanelRepository implements PanelRepository {
  constructor(private readonly db: NodePgDatabase<typeof schema>) {}

  async insert(panel: StoredPanel, history: readonly TrilogEvent[] = []): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.insert(panels).values({ ...panel, state: JSON.stringify(panel.state) })
      if (history.length) await tx.insert(trilogOutbox).values(outboxRows(history, panel.createdAt))
    })
  }

  async get(id: string) {
    const [row] = await this.db.select().from(panels).where(eq(panels.id, id))
    return row && panelFromRow(row)
  }

  async list(workspaceIds: readonly string[], deleted = false) {
    if (workspaceIds.length === 0) return []
    const { id, title, version, workspaceId, deletedAt, x, y, w, h, updatedAt } = panels
    return this.db
      .select({ id, title, version, workspaceId, deletedAt, x, y, w, h, updatedAt })
      .from(panels)
      .where(and(inArray(panels.workspaceId, [...workspaceIds]), deleted ? isNotNull(deletedAt) : isNull(deletedAt)))
      .orderBy(asc(panels.createdAt))
  }

  async applyChange(
    id: string,
    version: number,
    state: StoredPanel['state'],
    ops: unknown[],
    tool: string,
    ts: number,
    history: readonly TrilogEvent[] = [],
  ) {
    return this.db.transaction(async (tx) => {
      const updated = await tx
        .update(panels)
        .set({ state: JSON.stringify(state), version, updatedAt: ts })
        .where(and(eq(panels.id, id), eq(panels.version, version - 1)))
        .returning({ id: panels.id })
      if (updated.length !== 1) return false
      await tx.insert(panelChanges).values({ panelId: id, version, ops: JSON.stringify(ops), tool, ts })
      if (history.length) await tx.insert(trilogOutbox).values(outboxRows(history, ts))
      return true
    })
  }

  /** A PostgreSQL commit is durable when it returns. */
  async durable(): Promise<void> {}

  async changesSince(id: string, since: number, limit: number) {
    const rows = await this.db
      .select({ version: panelChanges.version, ops: panelChanges.ops, tool: panelChanges.tool })
      .from(panelChanges)
      .where(and(eq(panelChanges.panelId, id), gt(panelChanges.version, since)))
      .orderBy(asc(panelChanges.version))
      .limit(limit)
    return rows.map(changeFromRow)
  }
}
