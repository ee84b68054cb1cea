import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, startTestKernel, type TestKernel } from './helpers.ts'

// One TriLog directory per process: the assembled kernel's graph history has its own file beside nogHistory.test.ts.
// The same through the assembled kernel: commits wake the kernel's relay, and a read right after a commit sees it.
describe('the graph at a past moment, through the kernel', () => {
  let test: TestKernel
  beforeAll(async () => {
    test = await startTestKernel()
  })
  afterAll(() => test.kernel.close())

  it('GET …/nog/at answers the graph of each moment, the latest commit included', async () => {
    const { kernel, clock, workspaceId } = test
    const nogPath = `/api/workspaces/${workspaceId}/nog`
    const before = clock.now
    clock.now += 1000
    const created = await api(kernel, 'POST', `${nogPath}/entities`, { id: 'k1', name: 'Kettle', category: 'concept' })
    expect(created.status).toBe(201)
    const afterCreate = clock.now
    clock.now += 1000
    expect((await api(kernel, 'PATCH', `${nogPath}/entities/k1`, { name: 'Kettle 2' })).status).toBe(200)
    const at = async (t: number) => (await api(kernel, 'GET', `${nogPath}/at?t=${t}`)).body
    expect(await at(clock.now)).toMatchObject({ entities: [{ id: 'k1', name: 'Kettle 2' }] })
    expect(await at(afterCreate)).toMatchObject({ entities: [{ id: 'k1', name: 'Kettle' }] })
    expect((await at(before)).entities).toEqual([])
  })
})
