import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { TrilogError, TrilogStore, type TrilogEvent } from '../src/index.ts'

const events = (n: number, from = 0): TrilogEvent[] =>
  Array.from({ length: n }, (_, i) => ({
    objType: 'Panel',
    objId: 'bp',
    ts: 1 + from + i,
    seq: from + i,
    kind: 'trigger',
    attrs: {},
  }))

it('bounds memory: drops and counts events past the buffer limit, and when the store refuses writes, without throwing', async () => {
  const store = await TrilogStore.open({
    dataDir: mkdtempSync(join(tmpdir(), 'nexus-trilog-bp-')),
    maxBufferedEvents: 10,
    batchSize: 1000,
    flushIntervalMs: 60_000,
  })
  store.record(events(8))
  store.record(events(5, 8)) // would exceed 10
  expect([store.pending, store.dropped]).toEqual([8, 5])
  await store.flush()
  expect(store.pending).toBe(0)
  await store.client.close() // the store goes away underneath the writer
  expect(() => store.record(events(3, 20))).not.toThrow()
  await expect(store.flush()).rejects.toThrow()
  expect(store.dropped).toBe(8)
  expect(store.lastError).toBeInstanceOf(Error)
})

it('says clearly when the server is unreachable', async () => {
  const error = await TrilogStore.open({ url: 'http://127.0.0.1:9' }).catch((e: unknown) => e)
  expect(error).toBeInstanceOf(TrilogError)
  expect((error as TrilogError).code).toBe('TRILOG_UNAVAILABLE')
})
