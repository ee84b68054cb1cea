import { isDeepStrictEqual } from 'node:util'
import { context as otelContext, trace } from '@opentelemetry/api'
import { escapePointer, type Json, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { TrilogEvent, TrilogStore } from '@nexus/trilog'
import { KernelError } from '../errors.ts'
import type { Write } from './NogRepository.ts'
import type { NogEntity, NogGraph, NogRelationship } from './types.ts'

/**
 * A workspace's graph lives in TriLog as the state of its `Workspace` object (id: the workspace id):
 * `{version, entities: {<id>: entity}, relationships: {<id>: relationship}}`. Each commit is one
 * `state_change` (seq: the graph version) whose RFC 6902 ops carry the content — a whole element when created,
 * the changed fields when updated, a removal when deleted, with the removed elements in `removed` — so
 * TriLog's own reconstruction (nearest snapshot, then replay) rebuilds the graph at any moment.
 */
export const GRAPH_OBJECT = 'Workspace'

/** What `graphAt` answers: the graph as it was, and its version then. */
export interface GraphAt extends NogGraph {
  version: number
}

interface GraphState {
  version: number
  entities: Record<string, NogEntity>
  relationships: Record<string, NogRelationship>
}

/**
 * The TriLog events recording one commit (from graph version `previous` to `version`), to store in the
 * commit's own transaction (`trilog_outbox`). A graph's first commit starts its history with an empty snapshot.
 */
export function graphHistoryEvents(
  workspaceId: string,
  writes: readonly Write[],
  previous: number,
  version: number,
  ts: number,
): TrilogEvent[] {
  const ops: PatchOp[] = []
  const removed: { entities: NogEntity[]; relationships: NogRelationship[] } = { entities: [], relationships: [] }
  for (const w of writes) {
    const path = `/${w.kind === 'entity' ? 'entities' : 'relationships'}/${escapePointer(w.stored.value.id)}`
    if (w.op === 'delete') {
      ops.push({ op: 'remove', path })
      if (w.kind === 'entity') removed.entities.push(w.stored.value)
      else removed.relationships.push(w.stored.value)
    } else if (w.op === 'update' && w.previous) {
      ops.push(...fieldOps(path, w.previous, w.stored.value))
    } else {
      ops.push({ op: 'add', path, value: w.stored.value as unknown as Json })
    }
  }
  ops.push({ op: 'replace', path: '/version', value: version })
  const attrs: JsonObject = { ops: ops as unknown as Json[], version }
  if (removed.entities.length + removed.relationships.length > 0) attrs.removed = removed as unknown as Json
  const traceId = activeTraceId()
  const event = (kind: string, seq: number, a: JsonObject): TrilogEvent => ({
    objType: GRAPH_OBJECT,
    objId: workspaceId,
    ts,
    seq,
    kind,
    attrs: a,
    ...(traceId ? { traceId } : {}),
  })
  const change = event('state_change', version, attrs)
  if (previous > 0) return [change]
  const empty: GraphState = { version: 0, entities: {}, relationships: {} }
  return [event('snapshot', 0, { state: empty as unknown as Json }), change]
}

/** `replace` (or `add`, for a field that was absent) for each field an update changed. */
function fieldOps(path: string, before: object, after: object): PatchOp[] {
  const old = before as Record<string, unknown>
  const ops: PatchOp[] = []
  for (const [field, value] of Object.entries(after)) {
    if (isDeepStrictEqual(old[field], value)) continue
    const op = Object.hasOwn(old, field) ? 'replace' : 'add'
    ops.push({ op, path: `${path}/${escapePointer(field)}`, value: value as Json })
  }
  return ops
}

function activeTraceId(): string | undefined {
  const id = trace.getSpan(otelContext.active())?.spanContext().traceId
  return id && !/^0+$/.test(id) ? id : undefined
}

/**
 * The workspace's graph as it was at `at` (ms), rebuilt from TriLog; empty (version 0) before its first
 * recorded change. A graph whose history starts without a snapshot (made before graph history was recorded)
 * cannot be rebuilt: NOG_HISTORY_INCOMPLETE.
 */
export async function graphAt(store: TrilogStore, workspaceId: string, at: number): Promise<GraphAt> {
  const state = (await store.stateAt(GRAPH_OBJECT, workspaceId, at)) as unknown as GraphState | undefined
  if (!state) {
    const rows = await store.events(GRAPH_OBJECT, workspaceId, at)
    if (rows.some((r) => r.kind === 'state_change')) {
      throw new KernelError(
        'NOG_HISTORY_INCOMPLETE',
        'TriLog holds changes of this graph but not where they start (the graph predates graph history); ask for a moment after its history begins',
        409,
      )
    }
    return { version: 0, entities: [], relationships: [] }
  }
  const byId = <T extends { id: string }>(xs: T[]) => xs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {
    version: state.version,
    entities: byId(Object.values(state.entities)),
    relationships: byId(Object.values(state.relationships)),
  }
}
