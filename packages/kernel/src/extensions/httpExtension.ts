import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import type { Json, JsonObject } from '@nexus/protocol'
import { injectTraceHeaders } from '@nexus/trilog'
import { ExtensionError, granted, type CallContext, type Extension } from './Extension.ts'

export interface HttpExtensionOptions {
  /** Hosts any panel may reach once it holds `net:<host>`; `*` for every public host. */
  allow: readonly string[]
  /** Loopback and private addresses are refused unless this is set (tests, trusted setups). */
  allowPrivate?: boolean
  timeoutMs?: number
  maxResponseBytes?: number
}

const PRIVATE = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\./,
  /^::1$/,
  /^f[cd]/i,
  /^fe80/i,
]

function isPrivate(address: string): boolean {
  const plain = address.replace(/^::ffff:/, '')
  return PRIVATE.some((re) => re.test(plain))
}

/** `nexus.http`: outbound HTTP for handlers, within the server's allow-list, the tool's `net:` grants and limits. */
export function httpExtension(options: HttpExtensionOptions): Extension {
  const timeoutMs = options.timeoutMs ?? 5000
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024

  async function checkTarget(raw: unknown, context: CallContext): Promise<URL> {
    if (typeof raw !== 'string') throw new ExtensionError('BAD_ARGUMENT', 'The first argument must be a URL string')
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new ExtensionError('BAD_ARGUMENT', `Not an absolute URL: ${raw}`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ExtensionError('BAD_ARGUMENT', `Only http and https URLs are allowed, not ${url.protocol}`)
    }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (!granted(context.capabilities, `net:${host}`)) {
      throw new ExtensionError('CAPABILITY_DENIED', `The tool lacks capability "net:${host}"`)
    }
    if (!options.allow.includes('*') && !options.allow.includes(host)) {
      throw new ExtensionError('HOST_NOT_ALLOWED', `${host} is not on this server's allow-list (NEXUS_HTTP_ALLOW)`)
    }
    if (!options.allowPrivate) {
      const address = isIP(host) ? host : (await lookup(host).catch(() => ({ address: '' }))).address
      if (host === 'localhost' || isPrivate(address)) {
        throw new ExtensionError('HOST_NOT_ALLOWED', `${host} is a private or loopback address`)
      }
    }
    return url
  }

  async function request(url: URL, init: { method: string; headers?: Json; body?: Json }): Promise<JsonObject> {
    const headers: Record<string, string> = {}
    if (init.headers && typeof init.headers === 'object' && !Array.isArray(init.headers)) {
      for (const [k, v] of Object.entries(init.headers)) if (typeof v === 'string') headers[k] = v
    }
    injectTraceHeaders(headers) // the called service joins the handler's trace
    let body: string | undefined
    if (init.body !== undefined && init.body !== null) {
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
      if (typeof init.body !== 'string') headers['content-type'] ??= 'application/json'
    }
    let res: Response
    try {
      res = await fetch(url, {
        method: init.method,
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError'
      throw new ExtensionError(
        timedOut ? 'TIMEOUT' : 'NETWORK',
        timedOut ? `No answer within ${timeoutMs} ms` : (error as Error).message,
      )
    }
    const text = await readLimited(res, maxBytes)
    const type = res.headers.get('content-type') ?? ''
    let parsed: Json = text
    if (type.includes('json')) {
      try {
        parsed = JSON.parse(text) as Json
      } catch {
        parsed = text
      }
    }
    return { status: res.status, ok: res.ok, contentType: type, body: parsed }
  }

  return {
    manifest: {
      name: 'nexus.http',
      version: '1.0.0',
      description: 'HTTP requests to hosts the tool holds net:<host> for, within the server allow-list',
      methods: {
        get: { description: 'get(url, { headers }?) → { status, ok, contentType, body }' },
        post: { description: 'post(url, body, { headers }?) → { status, ok, contentType, body }' },
        request: { description: 'request({ url, method, headers?, body? }) → { status, ok, contentType, body }' },
      },
    },
    async health() {
      return { ok: true, detail: `allow: ${options.allow.join(', ') || 'nothing'}` }
    },
    async call(method, args, context) {
      const opts = (args[method === 'post' ? 2 : 1] ?? {}) as { headers?: Json }
      if (method === 'request') {
        const spec = (args[0] ?? {}) as { url?: unknown; method?: unknown; headers?: Json; body?: Json }
        const verb = typeof spec.method === 'string' ? spec.method.toUpperCase() : 'GET'
        if (!['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'].includes(verb)) {
          throw new ExtensionError('BAD_ARGUMENT', `Unsupported method ${verb}`)
        }
        return request(await checkTarget(spec.url, context), { method: verb, headers: spec.headers, body: spec.body })
      }
      const url = await checkTarget(args[0], context)
      return method === 'post'
        ? request(url, { method: 'POST', headers: opts.headers, body: args[1] ?? null })
        : request(url, { method: 'GET', headers: opts.headers })
    },
  }
}

async function readLimited(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel()
      throw new ExtensionError('RESPONSE_TOO_LARGE', `The response exceeded ${maxBytes} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}
