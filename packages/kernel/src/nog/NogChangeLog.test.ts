import { describe, expect, it } from 'vitest'
import { NogChangeLog } from './NogChangeLog.ts'
import type { NogChangeEvent, NogEntity, NogRelationship } from './types.ts'

const entity = (id: string, version = 1) => ({ id, version }) as NogEntity
const rel = { id: 'r' } as NogRelationship

/** Version `version` of workspace `w`: `n` entity creations, or only a relationship when `n` is 0. */
function event(version: number, n: number): NogChangeEvent {
  const changes: NogChangeEvent['changes'] = Array.from({ length: n }, (_, i) => ({
    op: 'create' as const,
    entity: entity(`v${version}e${i}`),
  }))
  if (n === 0) changes.push({ op: 'create', relationship: rel })
  return { workspaceId: 'w', version, changes }
}

const versions = (log: NogChangeLog, since: number, current: number) =>
  log.since('w', since, current)?.map((v) => v.version)

describe('NogChangeLog', () => {
  it('answers from a cursor inside the log, and not from one before it, ahead of it, or unknown', () => {
    const log = new NogChangeLog(5)
    // Not watched (no subscriber yet): changes are returned but not kept, and no cursor resumes.
    expect(log.record(event(7, 1)).map((c) => c.id)).toEqual(['v7e0'])
    expect(versions(log, 7, 7)).toBeUndefined()
    log.watch('w', 7)
    expect([versions(log, 7, 7), versions(log, 6, 7)]).toEqual([[], undefined])
    log.record(event(8, 2))
    log.record(event(9, 0))
    log.record(event(10, 2))
    expect([versions(log, 7, 10), versions(log, 8, 10), versions(log, 10, 10), versions(log, 6, 10)]).toEqual([
      [8, 10],
      [10],
      [],
      undefined,
    ])
    // Versions 11 and 12 push out 8 (over 5 entity changes); 9 had none, so a cursor at 8 still resumes.
    log.record(event(11, 1))
    log.record(event(12, 1))
    expect([versions(log, 7, 12), versions(log, 8, 12), versions(log, 12, 13)]).toEqual([
      undefined,
      [10, 11, 12],
      undefined,
    ])
    // A version it never saw: what it holds can no longer be trusted, so it starts over after it.
    log.record(event(14, 1))
    expect([versions(log, 12, 14), versions(log, 13, 14)]).toEqual([undefined, [14]])
  })

  it('keeps the value before each change: none for a creation, the old one for an update or a deletion', () => {
    const log = new NogChangeLog()
    log.watch('w', 0)
    const [v1, v2] = [entity('a', 1), entity('a', 2)]
    log.record({ workspaceId: 'w', version: 1, changes: [{ op: 'create', entity: v1 }] })
    log.record({ workspaceId: 'w', version: 2, changes: [{ op: 'update', entity: v2, previous: v1 }] })
    log.record({ workspaceId: 'w', version: 3, changes: [{ op: 'delete', entity: v2 }] })
    expect(log.since('w', 0, 3)!.map((v) => v.changes[0])).toEqual([
      { id: 'a', before: null, after: v1 },
      { id: 'a', before: v1, after: v2 },
      { id: 'a', before: v2, after: null },
    ])
  })
})
