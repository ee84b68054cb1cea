import { escapePointer, type JsonObject, type PatchOp } from '@nexus/protocol'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import { compileFilter, type EntityPredicate } from '../nog/filter.ts'
import type { NogService } from '../nog/NogService.ts'
import type { NogChangeEvent } from '../nog/types.ts'
import { principalOf, type Client } from './Client.ts'
import { Frame } from './Outbox.ts'

/** Most entities in one graph snapshot; narrow the filter for more. */
const MAX_NOG_SNAPSHOT = 10_000

/**
 * `nog:<workspaceId>` channels: a snapshot of the entities matching the client's filter (a map by id), then
 * RFC 6902 `add`/`remove` patches on that map as entities are created, change, or stop matching.
 */
export class NogChannels {
  constructor(
    private readonly nog: NogService,
    private readonly accounts: AccountService,
  ) {}

  async subscribe(client: Client, channel: string, filter: unknown): Promise<{ version: number; entities: number }> {
    await this.accounts.requireRole(principalOf(client), workspaceOf(channel), 'viewer')
    const compiled = compileFilter(filter ?? {})
    if (!compiled.ok) throw new KernelError('BAD_FILTER', compiled.error, 400)
    return this.snapshot(client, channel, compiled.value)
  }

  /** Sends a fresh snapshot (also after the client fell behind); the view is set in the same tick. */
  async snapshot(
    client: Client,
    channel: string,
    matches: EntityPredicate,
  ): Promise<{ version: number; entities: number }> {
    const workspaceId = workspaceOf(channel)
    // Read until no change landed between the version and the entities, so the next patch the client
    // sees is exactly the one after its snapshot.
    let version = -1
    let entities: JsonObject = {}
    for (let attempt = 0; ; attempt++) {
      version = (await this.nog.summary(workspaceId)).version
      entities = {}
      for (const entity of await this.nog.findEntities(workspaceId, { filter: matches, limit: MAX_NOG_SNAPSHOT })) {
        entities[entity.id] = entity as unknown as JsonObject
      }
      if ((await this.nog.summary(workspaceId)).version === version || attempt === 5) break
    }
    client.nogViews.set(channel, { matches, ids: new Set(Object.keys(entities)) })
    client.outbox.send(new Frame({ type: 'snapshot', channel, version, entities }))
    return { version, entities: Object.keys(entities).length }
  }

  broadcast(event: NogChangeEvent, clients: Iterable<Client>): void {
    const channel = `nog:${event.workspaceId}`
    for (const client of clients) {
      const view = client.nogViews.get(channel)
      if (!view || client.outbox.behind.has(channel)) continue
      const ops: PatchOp[] = []
      for (const change of event.changes) {
        if (!('entity' in change)) continue
        const { entity } = change
        const path = `/${escapePointer(entity.id)}`
        if (change.op !== 'delete' && view.matches(entity)) {
          ops.push({ op: 'add', path, value: entity as unknown as JsonObject })
          view.ids.add(entity.id)
        } else if (view.ids.delete(entity.id)) {
          ops.push({ op: 'remove', path })
        }
      }
      if (ops.length > 0)
        client.outbox.sendPatch(channel, new Frame({ type: 'patch', channel, version: event.version, ops }))
    }
  }
}

function workspaceOf(channel: string): string {
  return channel.slice('nog:'.length)
}
