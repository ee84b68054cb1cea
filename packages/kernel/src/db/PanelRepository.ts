import type { JsonObject, PatchOp } from '@nexus/protocol'
import type { TrilogEvent } from '@nexus/trilog'

export interface StoredPanel {
  id: string
  title: string
  nxml: string
  state: JsonObject
  version: number
  /** Null only for panels made before workspaces existed. */
  workspaceId: string | null
  /** Set while the panel is in the trash. */
  deletedAt: number | null
  x: number
  y: number
  w: number
  h: number
  createdAt: number
  updatedAt: number
}

export type PanelSummary = Pick<
  StoredPanel,
  'id' | 'title' | 'version' | 'workspaceId' | 'deletedAt' | 'x' | 'y' | 'w' | 'h' | 'updatedAt'
>

export interface StoredChangeWithTool extends StoredChange {
  /** The tool that made the change; `$edit` for an NXML edit, after which clients need a snapshot. */
  tool: string
}

export interface StoredChange {
  version: number
  ops: PatchOp[]
}

/**
 * Panels and their change log. One implementation per database dialect; every write is one transaction.
 * `history` events go to `trilog_outbox` in that transaction (see `panels/HistoryOutbox.ts`).
 */
export interface PanelRepository {
  insert(panel: StoredPanel, history?: readonly TrilogEvent[]): Promise<void>
  get(id: string): Promise<StoredPanel | undefined>
  /** Panels of the given workspaces, oldest first: live ones, or with `deleted` those in the trash. */
  list(workspaceIds: readonly string[], deleted?: boolean): Promise<PanelSummary[]>
  /**
   * Stores a change: the panel moves from `version - 1` to `version`. Resolves false when the stored version
   * is not `version - 1`, so a lost race never overwrites a newer state. Resolves once the change is committed
   * (visible to every later read), not necessarily durable: announce it then, acknowledge it after `durable()`.
   */
  applyChange(
    id: string,
    version: number,
    state: JsonObject,
    ops: PatchOp[],
    tool: string,
    ts: number,
    history?: readonly TrilogEvent[],
  ): Promise<boolean>
  /**
   * Resolves once every change committed before the call is on disk. SQLite shares one WAL fsync among every
   * commit made meanwhile (see `WalSync`); PostgreSQL's commits are durable already.
   */
  durable(): Promise<void>
  /** Changes after `since`, oldest first (at most `limit`). */
  changesSince(id: string, since: number, limit: number): Promise<StoredChangeWithTool[]>
}

/** A row's JSON text columns parsed. */
export function panelFromRow(row: Omit<StoredPanel, 'state'> & { state: string }): StoredPanel {
  return { ...row, state: JSON.parse(row.state) as JsonObject }
}

export function changeFromRow(row: { version: number; ops: string; tool: string }): StoredChangeWithTool {
  return { version: row.version, ops: JSON.parse(row.ops) as PatchOp[], tool: row.tool }
}
