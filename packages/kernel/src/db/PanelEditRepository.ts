import { sql } from 'drizzle-orm'
import type { JsonObject, PatchOp } from '@nexus/protocol'
import type { TrilogEvent } from '@nexus/trilog'
import { outboxInserts } from '../panels/HistoryOutbox.ts'
import type { SqlRunner } from './SqlRunner.ts'

export const EDIT_TOOL = '$edit'

export interface Layout {
  x: number
  y: number
  w: number
  h: number
}

/** Panel edits other than tool runs (NXML, title, layout, trash), written once for both databases. */
export class PanelEditRepository {
  constructor(private readonly db: SqlRunner) {}

  /**
   * Replaces a panel's NXML and state as version `version`, logging the state ops as an `$edit` change.
   * Both statements are conditional on the stored version being `version - 1`, so a stale edit does nothing
   * and resolves false. `history` events go to the outbox under the same condition.
   */
  async replaceNxml(
    id: string,
    version: number,
    nxml: string,
    title: string,
    state: JsonObject,
    ops: PatchOp[],
    ts: number,
    history: readonly TrilogEvent[] = [],
  ): Promise<boolean> {
    const current = sql`exists (select 1 from panels where id = ${id} and version = ${version - 1})`
    const changed = await this.db.batch([
      sql`insert into panel_changes (panel_id, version, ops, tool, ts)
          select ${id}, ${version}, ${JSON.stringify(ops)}, ${EDIT_TOOL}, ${ts}
          where ${current}`,
      ...outboxInserts(history, ts, current),
      sql`update panels set nxml = ${nxml}, title = ${title}, state = ${JSON.stringify(state)},
            version = ${version}, updated_at = ${ts}
          where id = ${id} and version = ${version - 1}`,
    ])
    return changed.at(-1) === 1
  }

  async setLayout(id: string, layout: Layout, ts: number): Promise<boolean> {
    const { x, y, w, h } = layout
    return (
      (await this.db.run(sql`update panels set x = ${x}, y = ${y}, w = ${w}, h = ${h}, updated_at = ${ts}
      where id = ${id} and deleted_at is null`)) === 1
    )
  }

  async trash(id: string, ts: number): Promise<boolean> {
    return (await this.db.run(sql`update panels set deleted_at = ${ts} where id = ${id} and deleted_at is null`)) === 1
  }

  async restore(id: string): Promise<boolean> {
    return (
      (await this.db.run(sql`update panels set deleted_at = null where id = ${id} and deleted_at is not null`)) === 1
    )
  }
}
