import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The kernel's Prometheus metrics, one registry per kernel so tests and replicas never share counters. */
export class KernelMetrics {
  readonly registry = new Registry()
  readonly triggers = new Counter({
    name: 'nexus_triggers_total',
    help: 'Tool triggers by outcome (ok or an error code)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  })
  readonly triggerSeconds = new Histogram({
    name: 'nexus_trigger_duration_seconds',
    help: 'Time from a trigger being queued to its change being stored and broadcast',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  })
  readonly wsConnections = new Gauge({
    name: 'nexus_ws_connections',
    help: 'Open WebSocket connections',
    registers: [this.registry],
  })
  readonly wsFramesSent = new Counter({
    name: 'nexus_ws_frames_sent_total',
    help: 'WebSocket frames written to clients',
    registers: [this.registry],
  })
  readonly wsRejected = new Counter({
    name: 'nexus_ws_messages_rejected_total',
    help: 'Client messages answered with an error before any work (malformed, oversized, unknown)',
    labelNames: ['code'] as const,
    registers: [this.registry],
  })

  readonly unhandled = new Counter({
    name: 'nexus_unhandled_errors_total',
    help: 'Promise rejections and exceptions no handler caught (logged; a rejection never ends the process)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  })

  readonly httpFailures = new Counter({
    name: 'nexus_http_failures_total',
    help: 'HTTP requests answered 500 INTERNAL (an unexpected failure: a database down, a bug); each is logged with its cause',
    labelNames: ['route'] as const,
    registers: [this.registry],
  })

  readonly kernelFailures = new Counter({
    name: 'nexus_kernel_failures_total',
    help: 'Unexpected failures outside an HTTP request (a database down, a bug) by where they happened: ws_message, snapshot, event_delivery; each is logged with its cause',
    labelNames: ['where'] as const,
    registers: [this.registry],
  })

  readonly historyRelayed = new Counter({
    name: 'nexus_history_relayed_total',
    help: 'History events moved from the outbox to TriLog',
    registers: [this.registry],
  })
  readonly historyRelayFailures = new Counter({
    name: 'nexus_history_relay_failures_total',
    help: 'Failed attempts to relay the history outbox to TriLog (the rows wait and are retried)',
    registers: [this.registry],
  })

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'nexus_' })
  }

  /** TriLog's own losses, read at each scrape: events its schema refused, and events or spans it dropped. */
  watchTrilog(trilog: { readonly invalid: number; readonly dropped: number }): void {
    new Gauge({
      name: 'nexus_trilog_events_refused',
      help: "History events refused by TriLog's schema since start (each kind's first is logged with the reason)",
      registers: [this.registry],
      collect() {
        this.set(trilog.invalid)
      },
    })
    new Gauge({
      name: 'nexus_trilog_dropped',
      help: 'History events and spans dropped since start because the store was down or the buffer full',
      registers: [this.registry],
      collect() {
        this.set(trilog.dropped)
      },
    })
  }
}
