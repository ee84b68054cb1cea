import { isDeepStrictEqual } from 'node:util'
import { context as otelContext, trace } from '@opentelemetry/api'
import { applyPatch, escapePointer, type Json, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { TrilogEvent, TrilogStore } from '@nexus/trilog'
import { KernelError } from '../errors.ts'
import type { Write } from './NogRepository.ts'
import type { NogEntity, NogGraph, NogRelationship } from './types.ts'

/**
 * A workspace's graph history lives in TriLog as `nog_change` events of its `Workspace` object (id: the
 * workspace id), one per commit, `seq` the graph version. Their RFC 6902 ops act on the document
 * `{version, entities: {<id>: entity}, relationships: {<id>: relationship}}` and carry the content — a whole
 * element when created, the changed fields when updated, a removal when deleted, with the removed elements in
 * `removed` — so folding them from the empty graph rebuilds it at any moment. Not `state_change`: TriLog's
 * snapshot tracker copies an object's whole state on every write batch, seconds for a 100,000-entity graph.
 */
export const GRAPH_OBJECT = 'Workspace'
export const GRAPH_CHANGE = 'nog_change'

/** What `graphAt` answers: the graph as it was, and its version then. */
export interface GraphAt extends NogGraph {
  version: number
}

interface GraphState {
  version: number
  entities: Record<string, NogEntity>
  relationships: Record<string, NogRelationship>
}

const EMPTY: GraphState = { version: 0, entities: {}, relationships: {} }

/** The TriLog event recording the commit that made graph `version`, to store in the commit's transaction. */
export function graphHistoryEvent(
  workspaceId: string,
  writes: readonly Write[],
  version: number,
  ts: number,
): TrilogEvent {
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
  const event: TrilogEvent = { objType: GRAPH_OBJECT, objId: workspaceId, ts, seq: version, kind: GRAPH_CHANGE, attrs }
  const traceId = activeTraceId()
  if (traceId) event.traceId = traceId
  return event
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
 * The workspace's graph as it was at `at` (ms): its `nog_change` events up to then, folded in version order
 * from the empty graph (version 0 before the first). History that does not start at version 1 or skips one
 * (a graph made before its history was recorded, or rows removed by retention) is NOG_HISTORY_INCOMPLETE.
 */
export async function graphAt(store: TrilogStore, workspaceId: string, at: number): Promise<GraphAt> {
  const rows = (await store.events(GRAPH_OBJECT, workspaceId, at))
    .filter((r) => r.kind === GRAPH_CHANGE)
    .sort((a, b) => a.seq - b.seq)
  const ops: PatchOp[] = []
  for (const [i, row] of rows.entries()) {
    if (row.seq !== i + 1) throw incomplete(i + 1)
    for (const op of (JSON.parse(row.attrs) as { ops: PatchOp[] }).ops) ops.push(op)
  }
  // One copy of the empty graph, then every op in place.
  const applied = applyPatch(EMPTY as unknown as Json, ops)
  if (!applied.ok) throw incomplete(undefined)
  const state = applied.value as unknown as GraphState
  const byId = <T extends { id: string }>(xs: T[]) => xs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return {
    version: state.version,
    entities: byId(Object.values(state.entities)),
    relationships: byId(Object.values(state.relationships)),
  }
}

function incomplete(missing: number | undefined): KernelError {
  const what = missing === undefined ? 'a recorded change does not apply' : `version ${missing} is missing`
  return new KernelError(
    'NOG_HISTORY_INCOMPLETE',
    `TriLog's history of this graph is incomplete (${what}): it predates graph history or was cut by retention, so this moment cannot be rebuilt`,
    409,
    { missing: missing ?? null },
  )
}
