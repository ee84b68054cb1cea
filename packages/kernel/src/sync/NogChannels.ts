import { escapePointer, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import { compileFilter, type EntityPredicate } from '../nog/filter.ts'
import type { GraphIndex } from '../nog/GraphIndex.ts'
import { NogChangeLog, type EntityChange, type LoggedVersion } from '../nog/NogChangeLog.ts'
import type { NogService } from '../nog/NogService.ts'
import type { NogChangeEvent } from '../nog/types.ts'
import { principalOf, type Client } from './Client.ts'
import { Frame } from './Outbox.ts'

/** Most entities in one graph snapshot; narrow the filter for more. */
const MAX_NOG_SNAPSHOT = 10_000

/** What a subscribe answers: resumed with `changes` patches, or a snapshot of `entities` entities. */
export type NogSubscribeResult =
  { version: number; resumed: true; changes: number } | { version: number; resumed: false; entities: number }

/** Which entities a client's view holds, asked and updated as changes go by. */
interface Holds {
  has(id: string): boolean
  set(id: string, held: boolean): void
}

/**
 * `nog:<workspaceId>` channels: a snapshot of the entities matching the client's filter (a map by id), then
 * RFC 6902 `add`/`remove` patches on that map as entities are created, change, or stop matching. Every graph
 * version's entity changes go to a bounded `NogChangeLog`, so a client that subscribes again with `since`
 * (its last version) and the same filter gets exactly the patches it missed instead of a snapshot.
 */
export class NogChannels {
  private readonly log: NogChangeLog

  constructor(
    private readonly nog: NogService,
    private readonly accounts: AccountService,
    options: { maxLoggedChanges?: number } = {},
  ) {
    this.log = new NogChangeLog(options.maxLoggedChanges)
  }

  /**
   * Resumes from `since` when the log reaches back to it, else sends a snapshot; `join` adds the client to
   * the channel's subscribers in the same tick as its last frame, so no change falls in between.
   */
  async subscribe(
    client: Client,
    channel: string,
    filter: unknown,
    since: number | undefined,
    join: () => void,
  ): Promise<NogSubscribeResult> {
    await this.accounts.requireRole(principalOf(client), workspaceOf(channel), 'viewer')
    const compiled = compileFilter(filter ?? {})
    if (!compiled.ok) throw new KernelError('BAD_FILTER', compiled.error, 400)
    if (since !== undefined) {
      const resumed = await this.resume(client, channel, compiled.value, since, join)
      if (resumed) return resumed
    }
    return this.snapshot(client, channel, compiled.value, join)
  }

  /** Sends a fresh snapshot (also after the client fell behind); the view is set in the same tick. */
  async snapshot(
    client: Client,
    channel: string,
    matches: EntityPredicate,
    join?: () => void,
  ): Promise<NogSubscribeResult & { resumed: false }> {
    const workspaceId = workspaceOf(channel)
    const graph = await this.liveIndex(workspaceId)
    // No await from here on: the snapshot is the graph at `version`, and the next patch is the one after it.
    const version = graph.version
    const entities: JsonObject = {}
    for (const entity of graph.find({ filter: matches }, MAX_NOG_SNAPSHOT)) {
      entities[entity.id] = entity as unknown as JsonObject
    }
    this.log.watch(workspaceId, version)
    client.nogViews.set(channel, { matches, ids: new Set(Object.keys(entities)) })
    client.outbox.send(new Frame({ type: 'snapshot', channel, version, entities }))
    join?.()
    return { version, resumed: false, entities: Object.keys(entities).length }
  }

  /** The missed patches, or undefined when a snapshot is needed (cursor older than the log, or unknown). */
  private async resume(
    client: Client,
    channel: string,
    matches: EntityPredicate,
    since: number,
    join: () => void,
  ): Promise<NogSubscribeResult | undefined> {
    const workspaceId = workspaceOf(channel)
    const graph = await this.liveIndex(workspaceId)
    // No await from here on: the index, the log and the live patches stay in step until `join`.
    const missed = this.log.since(workspaceId, since, graph.version)
    if (!missed) return undefined
    const held = graph.find({ filter: matches }, MAX_NOG_SNAPSHOT + 1)
    // A view cut at the snapshot cap is not what a resume could rebuild.
    if (held.length > MAX_NOG_SNAPSHOT) return undefined
    const patches = replay(missed, matches)
    for (const { version, ops } of patches) {
      client.outbox.send(new Frame({ type: 'patch', channel, version, ops }))
    }
    client.nogViews.set(channel, { matches, ids: new Set(held.map((e) => e.id)) })
    join()
    return { version: graph.version, resumed: true, changes: patches.length }
  }

  /** The workspace's live index (loaded first): read without an await, it is the graph as of that tick. */
  private async liveIndex(workspaceId: string): Promise<GraphIndex> {
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.nog.index(workspaceId)
      // Undefined when a commit landed while it loaded (that copy may be stale): load again.
      const live = this.nog.loadedIndex(workspaceId)
      if (live) return live
    }
    throw new KernelError('UNAVAILABLE', 'The graph kept changing while it loaded; subscribe again', 503)
  }

  broadcast(event: NogChangeEvent, clients: Iterable<Client>): void {
    const changes = this.log.record(event)
    if (changes.length === 0) return
    const channel = `nog:${event.workspaceId}`
    for (const client of clients) {
      const view = client.nogViews.get(channel)
      if (!view || client.outbox.behind.has(channel)) continue
      const holds: Holds = {
        has: (id) => view.ids.has(id),
        set: (id, held) => (held ? view.ids.add(id) : view.ids.delete(id)),
      }
      const ops = viewOps(changes, view.matches, holds)
      if (ops.length > 0)
        client.outbox.sendPatch(channel, new Frame({ type: 'patch', channel, version: event.version, ops }))
    }
  }
}

/**
 * The patch ops that carry a view over `changes`: an entity that matches (now) is added or replaced, one
 * the view holds that no longer matches or was deleted is removed.
 */
function viewOps(changes: readonly EntityChange[], matches: EntityPredicate, holds: Holds): PatchOp[] {
  const ops: PatchOp[] = []
  for (const { id, after } of changes) {
    const path = `/${escapePointer(id)}`
    if (after && matches(after)) {
      ops.push({ op: 'add', path, value: after as unknown as JsonObject })
      holds.set(id, true)
    } else if (holds.has(id)) {
      ops.push({ op: 'remove', path })
      holds.set(id, false)
    }
  }
  return ops
}

/**
 * The patches a client with this filter received for `missed` while connected. What its view held at the
 * cursor follows from each entity's value before its first missed change: the view held what matched.
 */
function replay(missed: readonly LoggedVersion[], matches: EntityPredicate): { version: number; ops: PatchOp[] }[] {
  const held = new Map<string, boolean>()
  const holds: Holds = { has: (id) => held.get(id)!, set: (id, h) => held.set(id, h) }
  const patches: { version: number; ops: PatchOp[] }[] = []
  for (const { version, changes } of missed) {
    for (const { id, before } of changes) if (!held.has(id)) held.set(id, before !== null && matches(before))
    const ops = viewOps(changes, matches, holds)
    if (ops.length > 0) patches.push({ version, ops })
  }
  return patches
}

function workspaceOf(channel: string): string {
  return channel.slice('nog:'.length)
}
