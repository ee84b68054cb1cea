import type { NogChangeEvent, NogEntity } from './types.ts'

/** One entity's change in a commit: its value before (null: it did not exist) and after (null: deleted). */
export interface EntityChange {
  id: string
  before: NogEntity | null
  after: NogEntity | null
}

/** The entity changes of one committed graph version. */
export interface LoggedVersion {
  version: number
  changes: EntityChange[]
}

interface WorkspaceLog {
  /** The graph version before the oldest logged one: the log holds every entity change after it. */
  base: number
  /** The last version recorded. */
  last: number
  versions: LoggedVersion[]
  /** Entity changes held, the bound's measure. */
  size: number
}

/** Entity changes kept per workspace by default; a cursor older than these gets a snapshot. */
export const DEFAULT_MAX_LOGGED_CHANGES = 10_000

/**
 * The recent entity changes of each watched workspace's graph (one with a subscriber since the process
 * started), by graph version, so a `nog:` channel that reconnects with its last version can be sent exactly
 * what it missed. Bounded per workspace by entity changes (oldest versions dropped first); in memory, so a
 * resume across a restart gets a snapshot.
 */
export class NogChangeLog {
  private readonly logs = new Map<string, WorkspaceLog>()

  constructor(private readonly maxChanges = DEFAULT_MAX_LOGGED_CHANGES) {}

  /** Starts logging a workspace whose graph is at `version` (once, at its first subscriber). */
  watch(workspaceId: string, version: number): void {
    if (!this.logs.has(workspaceId)) this.logs.set(workspaceId, { base: version, last: version, versions: [], size: 0 })
  }

  /**
   * Returns a committed change's entity changes, and logs them when the workspace is watched. Events arrive in
   * version order (one writer per workspace), every one of them.
   */
  record(event: NogChangeEvent): EntityChange[] {
    const changes: EntityChange[] = []
    for (const change of event.changes) {
      if (!('entity' in change)) continue
      const { entity } = change
      const before = change.op === 'create' ? null : change.op === 'delete' ? entity : (change.previous ?? null)
      changes.push({ id: entity.id, before, after: change.op === 'delete' ? null : entity })
    }
    const log = this.logs.get(event.workspaceId)
    if (!log) return changes
    // A version not seen (it cannot happen while every commit is recorded): start over after it.
    if (event.version !== log.last + 1) Object.assign(log, { base: event.version - 1, versions: [], size: 0 })
    log.last = event.version
    if (changes.length > 0) {
      log.versions.push({ version: event.version, changes })
      log.size += changes.length
    }
    while (log.size > this.maxChanges) {
      const dropped = log.versions.shift()!
      log.size -= dropped.changes.length
      log.base = dropped.version
    }
    return changes
  }

  /**
   * The entity changes after version `since` up to `current` (the graph's version now), oldest first; undefined
   * when the log does not reach back to `since` or does not know `current`.
   */
  since(workspaceId: string, since: number, current: number): LoggedVersion[] | undefined {
    const log = this.logs.get(workspaceId)
    if (!log || log.last !== current || since < log.base || since > current) return undefined
    return log.versions.filter((v) => v.version > since)
  }
}
