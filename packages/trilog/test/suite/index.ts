import { afterAll, beforeAll, describe } from 'vitest'
import type { TrilogStore, TrilogStoreOptions } from '../../src/index.ts'
import { basics } from './basics.ts'
import { operations } from './operations.ts'
import { otlp } from './otlp.ts'
import { property } from './property.ts'
import { reconstruction } from './reconstruction.ts'
import { sdk } from './sdk.ts'

const SNAPSHOT_EVERY = 50

/** Options every backend opens the suite's store with. */
export const SUITE_OPTIONS: TrilogStoreOptions = {
  flushIntervalMs: 10,
  snapshotEvery: SNAPSHOT_EVERY,
  // Retention is run by hand in `operations` (the timer would never fire within a test run).
  retentionMs: 1000,
  retentionIntervalMs: 2_000_000_000,
}

/** The TriLog suite, written once and run against chDB (`npm test`) and ClickHouse 18.16 (`test:services`). */
export function trilogSuite(backend: string, open: () => Promise<TrilogStore>, teardown?: () => Promise<void>): void {
  describe(`TriLog on ${backend}`, () => {
    let store: TrilogStore | undefined
    const get = () => store!
    beforeAll(async () => {
      store = await open()
    })
    afterAll(async () => {
      await store?.close()
      await teardown?.()
    })
    describe('store', () => basics(get))
    describe('reconstruction', () => reconstruction(get))
    describe('property', () => property(get, SNAPSHOT_EVERY))
    describe('OTLP ingest', () => otlp(get))
    describe('SDK', () => sdk(get))
    describe('operations', () => operations(get))
  })
}
