import { and, asc, eq, gt } from 'drizzle-orm'
import type { JsonObject, PatchOp } from '@nexus/protocol'
import type { Db } from '../db/openDatabase.ts'
import { panelChanges, panels, type PanelRow } from '../db/schema.ts'

export interface StoredPanel {
  id: string
  title: string
  nxml: string
  state: JsonObject
  version: number
  createdAt: number
  updatedAt: number
}

export interface StoredChange {
  version: number
  ops: PatchOp[]
}

/** Panels and their change log in the database. Every write is one transaction. */
export class PanelRepository {
  constructor(private readonly db: Db) {}

  insert(panel: StoredPanel): void {
    this.db
      .insert(panels)
      .values({ ...panel, state: JSON.stringify(panel.state) })
      .run()
  }

  get(id: string): StoredPanel | undefined {
    const row = this.db.select().from(panels).where(eq(panels.id, id)).get()
    return row && fromRow(row)
  }

  list(): Pick<StoredPanel, 'id' | 'title' | 'version' | 'updatedAt'>[] {
    return this.db
      .select({ id: panels.id, title: panels.title, version: panels.version, updatedAt: panels.updatedAt })
      .from(panels)
      .orderBy(asc(panels.createdAt))
      .all()
  }

  /**
   * Stores a change: the panel moves from `version - 1` to `version`. Refuses (returns false) when the
   * stored version is not `version - 1`, so a lost race never overwrites a newer state.
   */
  applyChange(id: string, version: number, state: JsonObject, ops: PatchOp[], tool: string, ts: number): boolean {
    return this.db.transaction((tx) => {
      const updated = tx
        .update(panels)
        .set({ state: JSON.stringify(state), version, updatedAt: ts })
        .where(and(eq(panels.id, id), eq(panels.version, version - 1)))
        .run()
      if (updated.changes !== 1) return false
      tx.insert(panelChanges)
        .values({ panelId: id, version, ops: JSON.stringify(ops), tool, ts })
        .run()
      return true
    })
  }

  /** Changes after `since`, oldest first (at most `limit`). */
  changesSince(id: string, since: number, limit: number): StoredChange[] {
    return this.db
      .select({ version: panelChanges.version, ops: panelChanges.ops })
      .from(panelChanges)
      .where(and(eq(panelChanges.panelId, id), gt(panelChanges.version, since)))
      .orderBy(asc(panelChanges.version))
      .limit(limit)
      .all()
      .map((r) => ({ version: r.version, ops: JSON.parse(r.ops) as PatchOp[] }))
  }
}

function fromRow(row: PanelRow): StoredPanel {
  return { ...row, state: JSON.parse(row.state) as JsonObject }
}
