import { and, asc, eq, gt, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import type { TrilogEvent } from '@nexus/trilog'
import { outboxRows } from '../panels/HistoryOutbox.ts'
import { changeFromRow, panelFromRow, type PanelRepository, type StoredPanel } from './PanelRepository.ts'
import * as schema from './schema.sqlite.ts'

const { panels, panelChanges, trilogOutbox } = schema

/**
 * SQLite through better-sqlite3: synchronous underneath, so reads and `applyChange` settle in the same tick;
 * `insert` settles once its commit is on disk (see `WalSync`).
 */
export class SqlitePanelRepository implements PanelRepository {
  /** The statements of `applyChange`, built once: every trigger runs them. */
  private readonly change: ReturnType<typeof changeStatements>

  constructor(
    private readonly db: BetterSQLite3Database<typeof schema>,
    readonly durable: () => Promise<void>,
  ) {
    this.change = changeStatements(db)
  }

  async insert(panel: StoredPanel, history: readonly TrilogEvent[] = []): Promise<void> {
    this.db.transaction((tx) => {
      tx.insert(panels)
        .values({ ...panel, state: JSON.stringify(panel.state) })
        .run()
      if (history.length) tx.insert(trilogOutbox).values(outboxRows(history, panel.createdAt)).run()
    })
    await this.durable()
  }

  async get(id: string) {
    const row = this.db.select().from(panels).where(eq(panels.id, id)).get()
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
      .all()
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
    const { update, log, outbox } = this.change
    return this.db.transaction(() => {
      const updated = update.run({ id, version, previous: version - 1, state: JSON.stringify(state), ts })
      if (updated.changes !== 1) return false
      log.run({ id, version, ops: JSON.stringify(ops), tool, ts })
      for (const row of outboxRows(history, ts)) outbox.run(row)
      return true
    })
  }

  async changesSince(id: string, since: number, limit: number) {
    return this.db
      .select({ version: panelChanges.version, ops: panelChanges.ops, tool: panelChanges.tool })
      .from(panelChanges)
      .where(and(eq(panelChanges.panelId, id), gt(panelChanges.version, since)))
      .orderBy(asc(panelChanges.version))
      .limit(limit)
      .all()
      .map(changeFromRow)
  }
}

function changeStatements(db: BetterSQLite3Database<typeof schema>) {
  const p = (name: string) => sql.placeholder(name)
  return {
    update: db
      .update(panels)
      .set({ state: sql`${p('state')}`, version: sql`${p('version')}`, updatedAt: sql`${p('ts')}` })
      .where(and(eq(panels.id, p('id')), eq(panels.version, p('previous'))))
      .prepare(),
    log: db
      .insert(panelChanges)
      .values({ panelId: p('id'), version: p('version'), ops: p('ops'), tool: p('tool'), ts: p('ts') })
      .prepare(),
    outbox: db
      .insert(trilogOutbox)
      .values({ event: p('event'), createdAt: p('createdAt') })
      .prepare(),
  }
}
