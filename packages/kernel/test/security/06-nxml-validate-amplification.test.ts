import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningKernel } from '../../src/index.ts'
import { COUNTER, startTestKernel } from '../helpers.ts'

// Finding 6 of issue #11: 60 KB of nested <x> sent to POST /api/nxml/validate answered 51 MB (a 2.4 KB
// diagnostic per level, each spelling out its whole path); 420 KB answered 261 MB and grew the kernel by
// ~290 MB. The kernel runs in this process, so its heap is measured here, after a full collection.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const MAX_ANSWER_BYTES = 256 * 1024
const inView = (body: string) => `<NexusPanel title="Hostile" version="1.0.0"><View>${body}</View></NexusPanel>`

describe('finding 6: NXML validation cannot amplify', () => {
  let kernel: RunningKernel
  let ownerKey: string
  beforeAll(async () => {
    ;({ kernel, ownerKey } = await startTestKernel())
  })
  afterAll(async () => {
    await kernel.close()
  })

  /** POSTs `nxml` to `path`; the answer's size in bytes and its parsed body. */
  const send = async (path: string, nxml: string) => {
    const res = await fetch(kernel.url + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${ownerKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ nxml }),
    })
    const text = await res.text()
    return { status: res.status, bytes: Buffer.byteLength(text), body: JSON.parse(text) as Record<string, any> }
  }

  it.each([
    ['60 KB of nested <x>', '<x>'.repeat(20_000)],
    ['60 KB of nested <x> in a view', inView('<x>'.repeat(20_000))],
    ['420 KB of nested <x> in a view', inView('<x>'.repeat(140_000))],
    ['400 KB of sibling <x/> in a view', inView('<x/>'.repeat(100_000))],
  ])('answers %s small: at most 201 diagnostics, each bounded', async (_name, nxml) => {
    const answer = await send('/api/nxml/validate', nxml)
    expect(answer.status).toBe(200)
    expect(answer.bytes).toBeLessThan(MAX_ANSWER_BYTES)
    const diagnostics = answer.body.diagnostics as { code: string; message: string }[]
    expect(diagnostics.length).toBeGreaterThan(0)
    expect(diagnostics.length).toBeLessThanOrEqual(201)
    for (const d of diagnostics) expect(d.message.length).toBeLessThanOrEqual(1000)
  })

  it('reports nesting past the limit once and counts what it did not show', async () => {
    const deep = (await send('/api/nxml/validate', inView('<x>'.repeat(140_000)))).body.diagnostics
    expect(deep.filter((d: { code: string }) => d.code === 'NX1013')).toEqual([
      expect.objectContaining({ message: 'Elements may nest at most 200 deep; the rest of the document was not read' }),
    ])
    const wide = (await send('/api/nxml/validate', inView('<x/>'.repeat(100_000)))).body.diagnostics
    expect(wide.at(-1)).toMatchObject({
      code: 'NX1014',
      severity: 'error',
      message: '99800 more diagnostics not shown; fix these first',
    })
    // Creating a panel from it is refused with the same bounded list.
    const created = await send('/api/panels', inView('<x>'.repeat(140_000)))
    expect(created.status).toBe(422)
    expect(created.bytes).toBeLessThan(MAX_ANSWER_BYTES)
  })

  it("does not grow the kernel's heap with repeated hostile calls", async () => {
    const hostile = inView('<x>'.repeat(140_000))
    await send('/api/nxml/validate', hostile) // warm: caches and code
    gc()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < 5; i++) expect((await send('/api/nxml/validate', hostile)).status).toBe(200)
    gc()
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(32 * 1024 * 1024)
  })

  it('validates normal NXML as before', async () => {
    expect((await send('/api/nxml/validate', COUNTER)).body).toEqual({ diagnostics: [] })
    const typo = await send('/api/nxml/validate', COUNTER.replace('<Metric', '<Metrik'))
    expect(typo.body.diagnostics.map((d: { message: string }) => d.message)).toEqual([
      'At view[0].children[0]: <Metrik> is not a known component (did you mean `Metric`?)',
    ])
  })
})
