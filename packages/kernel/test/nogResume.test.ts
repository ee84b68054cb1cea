import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '@nexus/protocol'
import type { RunningKernel } from '../src/index.ts'
import { TestClient, api, startTestKernel } from './helpers.ts'

const FILTER = { $and: [{ category: { eq: 'concept' } }, { 'properties.priority': { gte: 2 } }] }
const WAIT = 30_000

/** The next `n` patch frames (anything else before them is dropped). */
async function patches(client: TestClient, n: number): Promise<ServerMessage[]> {
  const got: ServerMessage[] = []
  while (got.length < n) got.push(await client.next((m) => m.type === 'patch', WAIT))
  return got
}

describe('resuming a nog: channel from its last version', () => {
  let kernel: RunningKernel
  let ws: string
  const entity = async (name: string, category: string, priority: number) =>
    (await api(kernel, 'POST', `/api/workspaces/${ws}/nog/entities`, { name, category, properties: { priority } })).body
      .entity.id as string
  const update = (id: string, body: object) => api(kernel, 'PATCH', `/api/workspaces/${ws}/nog/entities/${id}`, body)
  const remove = (id: string) => api(kernel, 'DELETE', `/api/workspaces/${ws}/nog/entities/${id}`)
  const subscribe = async (client: TestClient, reqId: string, since?: number) => {
    client.send({ type: 'subscribe', reqId, channel: `nog:${ws}`, filter: FILTER, since })
    return client.until((m) => m.type === 'ack' || m.type === 'error', WAIT)
  }

  beforeAll(async () => {
    ;({ kernel, workspaceId: ws } = await startTestKernel())
  })
  afterAll(async () => {
    await kernel.close()
  })

  it('sends exactly the 100 entity changes a client missed, in order, then the live ones', async () => {
    const witness = await TestClient.connect(kernel)
    await subscribe(witness, 'w')
    const away = await TestClient.connect(kernel)
    await subscribe(away, 'a')
    const kept = await Promise.all(Array.from({ length: 20 }, (_, i) => entity(`kept ${i}`, 'concept', 3)))
    const others = await Promise.all(Array.from({ length: 5 }, (_, i) => entity(`other ${i}`, 'concept', 1)))
    await patches(witness, 20)
    const cursor = (await patches(away, 20)).at(-1)!
    if (cursor.type !== 'patch') throw new Error('expected a patch')
    away.close()

    // 100 changes the view sees (adds, replacements, removals, deletions), among changes it does not.
    const added: string[] = []
    for (let i = 0; i < 50; i++) added.push(await entity(`added ${i}`, 'concept', 2 + (i % 3)))
    for (const id of kept) await update(id, { properties: { priority: 1 } })
    for (const id of kept.slice(0, 10)) await update(id, { properties: { priority: 5 } })
    for (const id of added.slice(0, 10)) await remove(id)
    for (const id of others) await update(id, { properties: { priority: 2 } })
    for (const id of others) await remove(id)
    for (let i = 0; i < 5; i++) await entity(`data ${i}`, 'data', 9)
    await update(kept[15]!, { name: 'renamed while out of view' })
    for (let i = 10; i < 13; i++) {
      const made = await api(kernel, 'POST', `/api/workspaces/${ws}/nog/relationships`, {
        fromId: added[i],
        toId: added[i + 1],
        type: 'depends_on',
      })
      expect(made.status).toBe(201)
    }
    const live = await patches(witness, 100)

    const back = await TestClient.connect(kernel)
    const received = await subscribe(back, 'b', cursor.version)
    const ack = received.pop()
    expect(ack).toMatchObject({
      type: 'ack',
      reqId: 'b',
      result: {
        resumed: true,
        changes: 100,
        version: (await api(kernel, 'GET', `/api/workspaces/${ws}/nog`)).body.version,
      },
    })
    expect(received).toEqual(live)
    const versions = received.map((m) => (m as { version: number }).version)
    expect(versions).toEqual([...versions].sort((a, b) => a - b))
    expect(new Set(versions).size).toBe(100)

    // Subscribed again in the same tick: the next change reaches both alike.
    await entity('after the resume', 'concept', 7)
    expect(await patches(back, 1)).toEqual(await patches(witness, 1))
    witness.close()
    back.close()
  })

  it('sends a snapshot when the cursor is older than the log, or ahead of the graph', async () => {
    const client = await TestClient.connect(kernel)
    const [snapshot] = await subscribe(client, 's')
    if (snapshot?.type !== 'snapshot') throw new Error('expected a snapshot')
    const before = snapshot.version
    // More entity changes than the log keeps (10,000), in 11 commits of 1,000.
    for (let batch = 0; batch < 11; batch++) {
      const ops = Array.from({ length: 1000 }, (_, i) => ({
        op: 'create_entity',
        entity: { name: `bulk ${batch}-${i}`, category: 'resource' },
      }))
      expect((await api(kernel, 'POST', `/api/workspaces/${ws}/nog/patches`, { ops })).status).toBe(201)
    }
    const now = before + 11
    client.close()

    const again = await TestClient.connect(kernel)
    for (const [reqId, since] of [
      ['old', before],
      ['ahead', now + 1],
    ] as const) {
      const messages = await subscribe(again, reqId, since)
      expect(messages.map((m) => m.type)).toEqual(['snapshot', 'ack'])
      expect(messages[0]).toMatchObject({ version: now, entities: snapshot.entities })
      expect(messages[1]).toMatchObject({ result: { resumed: false, version: now, entities: 1 + 50 - 10 + 20 - 10 } })
    }
    // Just behind the log's end: the one missed version had no change this filter sees.
    expect(await subscribe(again, 'current', now - 1)).toEqual([
      { type: 'ack', reqId: 'current', result: { resumed: true, changes: 0, version: now } },
    ])
    again.close()
  })
})
