import type { JsonObject, PatchOp } from '@nexus/protocol'
import { applyChanges } from './reconstruct.ts'
import type { SnapshotRow } from './events.ts'

/** An event on its way to the store, with its attributes still parsed. */
export interface PendingEvent {
  objType: string
  objId: string
  ts: number
  seq: number
  kind: string
  traceId?: string
  attrs: unknown
}

/** The writer's view of one object: its latest state and the changes since its last snapshot. */
export interface TrackedObject {
  state: JsonObject | undefined
  changes: number
}

/**
 * Takes snapshots at write time: follows each object's state through the events being written and emits a
 * snapshot every `every` changes. Remembers at most `maxObjects` objects (least recently written first out);
 * a forgotten object is reloaded from the store through `load` the next time it changes.
 */
export class SnapshotTracker {
  private readonly objects = new Map<string, TrackedObject>()

  constructor(
    private readonly every: number,
    private readonly maxObjects: number,
  ) {}

  /** Forgets everything (after a failed write the store and the tracker may disagree). */
  reset(): void {
    this.objects.clear()
  }

  /** The snapshots to write with `events`; `events` need not be sorted. */
  async plan(
    events: readonly PendingEvent[],
    load: (objType: string, objId: string) => Promise<TrackedObject>,
  ): Promise<SnapshotRow[]> {
    const groups = new Map<string, PendingEvent[]>()
    for (const event of events) {
      if (event.kind !== 'snapshot' && event.kind !== 'state_change') continue
      const key = `${event.objType}\u0000${event.objId}`
      const group = groups.get(key)
      if (group) group.push(event)
      else groups.set(key, [event])
    }
    const snapshots: SnapshotRow[] = []
    for (const [key, group] of groups) {
      group.sort((a, b) => a.ts - b.ts || a.seq - b.seq)
      let tracked = this.objects.get(key)
      if (!tracked) {
        tracked =
          group[0]!.kind === 'snapshot'
            ? { state: undefined, changes: 0 }
            : await load(group[0]!.objType, group[0]!.objId)
      }
      this.objects.delete(key) // re-inserted below: most recently written last
      this.objects.set(key, this.follow(tracked, group, snapshots))
      if (this.objects.size > this.maxObjects) this.objects.delete(this.objects.keys().next().value!)
    }
    return snapshots
  }

  private follow(tracked: TrackedObject, group: readonly PendingEvent[], out: SnapshotRow[]): TrackedObject {
    let { state, changes } = tracked
    let pending: PatchOp[][] = []
    for (const event of group) {
      const attrs = event.attrs as { state?: JsonObject; ops?: PatchOp[] } | null
      if (event.kind === 'snapshot') {
        if (!attrs?.state) continue
        state = attrs.state
        pending = []
        changes = 0
        continue
      }
      if (!attrs?.ops) continue
      pending.push(attrs.ops)
      changes++
      if (changes >= this.every && state) {
        state = applyChanges(state, pending)
        pending = []
        out.push({
          obj_type: event.objType,
          obj_id: event.objId,
          ts: event.ts,
          seq: event.seq,
          changes,
          state: JSON.stringify(state),
        })
        changes = 0
      }
    }
    if (pending.length && state) state = applyChanges(state, pending)
    return { state, changes }
  }
}
