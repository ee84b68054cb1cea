// `trilog serve --port 4318 --data-dir ./data/trilog [--clickhouse-url URL]`: a standalone OTLP/HTTP receiver.
import { createServer } from 'node:http'
import { parseArgs } from 'node:util'
import { createOtlpHandler } from './otlp/handler.ts'
import { TrilogStore } from './TrilogStore.ts'

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: 'string', default: '4318' },
    host: { type: 'string', default: '127.0.0.1' },
    'data-dir': { type: 'string', default: './data/trilog' },
    'clickhouse-url': { type: 'string', default: process.env.CLICKHOUSE_URL },
  },
})

if (positionals[0] !== 'serve') {
  console.error(
    'usage: trilog serve [--port 4318] [--host 127.0.0.1] [--data-dir ./data/trilog] [--clickhouse-url URL]',
  )
  process.exit(2)
}

const url = values['clickhouse-url']
const store = await TrilogStore.open(url ? { url } : { dataDir: values['data-dir'] })
const handler = createOtlpHandler(store)
const server = createServer(handler)
server.listen(Number(values.port), values.host, () => {
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : values.port
  console.log(
    `trilog: OTLP/HTTP JSON on http://${values.host}:${port}/v1/traces, /v1/logs, /v1/metrics (${store.backend})`,
  )
})
const stop = () => {
  server.close()
  void store.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
