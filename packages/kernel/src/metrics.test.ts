import { describe, expect, it } from 'vitest'
import { KernelMetrics } from './metrics.ts'

describe('KernelMetrics.watchTrilog', () => {
  it("reads TriLog's refused and dropped counts at each scrape", async () => {
    const metrics = new KernelMetrics()
    const trilog = { invalid: 0, dropped: 0 }
    metrics.watchTrilog(trilog)
    expect(await metrics.registry.metrics()).toMatch(/^nexus_trilog_events_refused 0$/m)
    trilog.invalid = 3
    trilog.dropped = 2
    const text = await metrics.registry.metrics()
    expect(text).toMatch(/^nexus_trilog_events_refused 3$/m)
    expect(text).toMatch(/^nexus_trilog_dropped 2$/m)
  })
})
