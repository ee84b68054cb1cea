// Outbound requests through `nexus.http` (grant check, allow-list, the address policy on the address the
// connection dials via the guarded lookup) against a plain `fetch` of the same loopback server, alternating
// rounds in one process. `allowPrivate` lets the loopback target through, but every address is still resolved
// and classified. End to end, both sides' p99 on this shared machine is mostly scheduling noise, so the policy's
// own cost is also timed alone: the checks `nexus.http` makes per request (host, grant, allow-list, the dialled
// address's class) — its added p99. The extension and policy are not on @nexus/kernel's public entry, so they
// are imported from their modules.
import { createServer } from 'node:http'
import { hostListed, netGranted, urlHost } from '@nexus/protocol'
import { httpExtension } from '../../packages/kernel/src/extensions/httpExtension.ts'
import { vetAddress } from '../../packages/kernel/src/net/addressPolicy.ts'
import { compared, median, percentile, round, type Metric } from '../lib.ts'

const ROUNDS = 10
const PER_ROUND = 300
const WARMUP = 300
const PEER = 'plain fetch (undici, Node built-in)'
const CONTEXT = { panelId: 'bench', workspaceId: 'bench', capabilities: ['ext:http', 'net:*'] }
const POLICY_SAMPLES = 20_000

/** The per-request checks alone, as `nexus.http` makes them for `url` dialled at `address`. */
function policyChecks(url: string, address: string): void {
  const host = urlHost(url) ?? ''
  if (!netGranted(CONTEXT.capabilities, host) || !hostListed(['*'], host)) throw new Error('not granted')
  vetAddress(host, address, { allowPrivate: true })
}

/** p50 and p99 of both sides, and what the guarded path adds at p99. */
export async function egressMetrics(): Promise<Metric[]> {
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json')
    res.end('{"ok":true}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  // A name, so the guarded lookup runs on every new connection (`localhost` resolves to 127.0.0.1 here).
  const url = `http://localhost:${(server.address() as { port: number }).port}/`
  const http = httpExtension({ allow: ['*'], allowPrivate: true })
  const sides = {
    guarded: async () => {
      const res = (await http.call('get', [url], CONTEXT)) as { status: number }
      if (res.status !== 200) throw new Error(`nexus.http answered ${res.status}`)
    },
    fetch: async () => {
      const res = await fetch(url)
      await res.json()
      if (res.status !== 200) throw new Error(`fetch answered ${res.status}`)
    },
  }
  const times = { guarded: [] as number[], fetch: [] as number[] }
  try {
    for (const run of Object.values(sides)) for (let i = 0; i < WARMUP; i++) await run()
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, run] of Object.entries(sides) as [keyof typeof sides, () => Promise<void>][]) {
        const got: number[] = []
        for (let i = 0; i < PER_ROUND; i++) {
          const start = process.hrtime.bigint()
          await run()
          got.push(Number(process.hrtime.bigint() - start) / 1e6)
        }
        times[name].push(...got)
        console.log(`egress ${name}: p50 ${median(got).toFixed(3)} ms, p99 ${percentile(got, 99).toFixed(3)} ms`)
      }
    }
  } finally {
    await http.stop?.()
    server.close()
  }
  const policy: number[] = []
  for (let i = 0; i < POLICY_SAMPLES; i++) {
    const start = process.hrtime.bigint()
    policyChecks(url, i % 2 ? '127.0.0.1' : '::ffff:7f00:1')
    policy.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  console.log(`address policy checks: p50 ${median(policy).toFixed(4)} ms, p99 ${percentile(policy, 99).toFixed(4)} ms`)
  const peer = (value: number) => ({ name: PEER, value })
  return [
    compared(
      'outbound GET via nexus.http (address policy + guarded lookup) p50, loopback',
      'ms',
      'lower',
      median(times.guarded),
      peer(median(times.fetch)),
      { op: '<=', ratio: 1.5 },
    ),
    compared(
      'outbound GET via nexus.http (address policy + guarded lookup) p99, loopback',
      'ms',
      'lower',
      percentile(times.guarded, 99),
      peer(percentile(times.fetch, 99)),
      { op: '<=', ratio: 1.5 },
    ),
    {
      name: 'outbound GET: address policy checks per request p99 (added to every request)',
      unit: 'ms',
      value: round(percentile(policy, 99)),
      better: 'lower',
      peer: null,
      ratio: null,
      goal: { op: '<=', value: 0.5 },
    },
  ]
}
