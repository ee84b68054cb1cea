import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../src/index.ts'
import { COUNTER, TestClient, api, startTestKernel } from './helpers.ts'

describe('the object graph in the running kernel', () => {
  let kernel: RunningKernel
  let ws: string
  let panelId: string
  beforeAll(async () => {
    ;({ kernel, workspaceId: ws } = await startTestKernel())
    panelId = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
  })
  afterAll(async () => {
    await kernel.close()
  })

  it('derives entities from a panel and follows its edits and trash', async () => {
    const sub = await api(kernel, 'GET', `/api/workspaces/${ws}/nog/panels/${panelId}`)
    const ids = sub.body.entities.map((e: { id: string }) => e.id).sort()
    expect(ids).toEqual([
      `panel:${panelId}`,
      `panel:${panelId}:computed:double`,
      `panel:${panelId}:state:count`,
      `panel:${panelId}:tool:increment`,
    ])
    const withLabel = COUNTER.replace(
      '<State name="count" type="number" default="0" />',
      '<State name="count" type="number" default="0" />\n    <State name="label" type="string" default="x" />\n    <Computed name="shout" value="$state.label" />',
    )
    await api(kernel, 'PUT', `/api/panels/${panelId}/nxml`, { nxml: withLabel })
    const after = await api(kernel, 'GET', `/api/workspaces/${ws}/nog/entities?category=data`)
    expect(after.body.entities.map((e: { name: string }) => e.name).sort()).toEqual([
      'count',
      'double',
      'label',
      'shout',
    ])
    const other = (await api(kernel, 'POST', '/api/panels', { nxml: COUNTER })).body.id
    await api(kernel, 'DELETE', `/api/panels/${other}`)
    const trashed = await api(kernel, 'GET', `/api/workspaces/${ws}/nog/entities?q=${other}`)
    expect(trashed.body.entities).toEqual([])
  })

  it('answers the whole graph with the relationships among what it sends', async () => {
    const all = await api(kernel, 'GET', `/api/workspaces/${ws}/nog/graph`)
    const summary = await api(kernel, 'GET', `/api/workspaces/${ws}/nog`)
    expect(all.body.version).toBe(summary.body.version)
    expect([all.body.entities.length, all.body.relationships.length, all.body.truncated]).toEqual([
      summary.body.entities,
      summary.body.relationships,
      false,
    ])
    const cut = await api(kernel, 'GET', `/api/workspaces/${ws}/nog/graph?limit=1`)
    expect(cut.body.entities).toHaveLength(1)
    expect(cut.body.truncated).toBe(true)
    const held = new Set(cut.body.entities.map((e: { id: string }) => e.id))
    for (const r of cut.body.relationships as { fromId: string; toId: string }[]) {
      expect([held.has(r.fromId), held.has(r.toId)]).toEqual([true, true])
    }
  })

  it('streams filtered graph changes over the WebSocket', async () => {
    const c = await TestClient.connect(kernel)
    const filter = { $and: [{ category: { eq: 'concept' } }, { tags: { in: ['ideas'] } }] }
    c.send({ type: 'subscribe', reqId: 's', channel: `nog:${ws}`, filter })
    expect(await c.next((m) => m.type === 'snapshot')).toMatchObject({ channel: `nog:${ws}`, entities: {} })
    await c.next((m) => m.type === 'ack')

    const made = await api(kernel, 'POST', `/api/workspaces/${ws}/nog/entities`, {
      name: 'Offline mode',
      category: 'concept',
      tags: ['ideas'],
    })
    expect(made.status).toBe(201)
    const id = made.body.entity.id as string
    const added = await c.next((m) => m.type === 'patch')
    expect(added).toMatchObject({ ops: [{ op: 'add', path: `/${id}`, value: { name: 'Offline mode' } }] })
    // A component entity never reaches this client.
    await api(kernel, 'POST', `/api/workspaces/${ws}/nog/entities`, {
      name: 'Sync',
      category: 'component',
      tags: ['ideas'],
    })
    await api(kernel, 'PATCH', `/api/workspaces/${ws}/nog/entities/${id}`, { tags: ['later'] })
    expect(await c.next((m) => m.type === 'patch')).toMatchObject({ ops: [{ op: 'remove', path: `/${id}` }] })

    c.send({ type: 'subscribe', reqId: 'bad', channel: `nog:${ws}`, filter: { category: { like: 'x' } } })
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ reqId: 'bad', error: { code: 'BAD_FILTER' } })
    c.send({ type: 'subscribe', reqId: 'other', channel: 'nog:someone-elses' })
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ reqId: 'other', error: { code: 'NOT_FOUND' } })
    c.close()
  })
})
