import type { JsonObject, PatchOp } from '@nexus/protocol'

export interface StoredPanel {
  id: string
  title: string
  nxml: string
  state: JsonObject
  version: number
  /** Null only for panels made before workspaces existed. */
  workspaceId: string | null
  createdAt: number
  updatedAt: number
}

export type PanelSummary = Pick<StoredPanel, 'id' | 'title' | 'version' | 'workspaceId' | 'updatedAt'>

export interface StoredChange {
  version: number
  ops: PatchOp[]
}

/** Panels and their change log. One implementation per database dialect; every write is one transaction. */
export interface PanelRepository {
  insert(panel: StoredPanel): Promise<void>
  get(id: string): Promise<StoredPanel | undefined>
  /** Panels of the given workspaces, oldest first. */
  list(workspaceIds: readonly string[]): Promise<PanelSummary[]>
  /**
   * Stores a change: the panel moves from `version - 1` to `version`. Resolves false when the stored version
   * is not `version - 1`, so a lost race never overwrites a newer state.
   */
  applyChange(
    id: string,
    version: number,
    state: JsonObject,
    ops: PatchOp[],
    tool: string,
    ts: number,
  ): Promise<boolean>
  /** Changes after `since`, oldest first (at most `limit`). */
  changesSince(id: string, since: number, limit: number): Promise<StoredChange[]>
}

/** A row's JSON text columns parsed. */
export function panelFromRow(row: Omit<StoredPanel, 'state'> & { state: string }): StoredPanel {
  return { ...row, state: JSON.parse(row.state) as JsonObject }
}

export function changeFromRow(row: { version: number; ops: string }): StoredChange {
  return { version: row.version, ops: JSON.parse(row.ops) as PatchOp[] }
}
