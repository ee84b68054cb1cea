import { hostListed, netCapability, urlHost, type Json, type JsonObject } from '@nexus/protocol'
import { injectTraceHeaders } from '@nexus/trilog'
import { AddressRefusedError, type Resolver } from '../net/addressPolicy.ts'
import { GuardedClient, OutboundError } from '../net/GuardedClient.ts'
import { ExtensionError, granted, type CallContext, type Extension } from './Extension.ts'

export interface HttpExtensionOptions {
  /** Hosts any panel may reach once it holds `net:<host>` (any spelling of the host); `*` for every public host. */
  allow: readonly string[]
  /** Loopback, private and other non-public addresses are refused unless this is set (tests, trusted setups). */
  allowPrivate?: boolean
  timeoutMs?: number
  maxResponseBytes?: number
  /** Name resolution for outbound connections; the system resolver unless a test injects one. */
  resolve?: Resolver
}

/**
 * `nexus.http`: outbound HTTP for handlers, within the tool's `net:` grants, the server's allow-list, the
 * address policy (`net/addressPolicy.ts`, applied to the address each connection dials) and limits.
 */
export function httpExtension(options: HttpExtensionOptions): Extension {
  const timeoutMs = options.timeoutMs ?? 5000
  const maxBytes = options.maxResponseBytes ?? 1024 * 1024
  const client = new GuardedClient({ allowPrivate: options.allowPrivate ?? false }, options.resolve)

  function checkTarget(raw: unknown, context: CallContext): URL {
    if (typeof raw !== 'string') throw new ExtensionError('BAD_ARGUMENT', 'The first argument must be a URL string')
    let url: URL
    try {
      url = new URL(raw)
    } catch {
      throw new ExtensionError('BAD_ARGUMENT', `Not an absolute URL: ${raw}`)
    }
    const host = urlHost(url.href)
    if (host === undefined) {
      throw new ExtensionError('BAD_ARGUMENT', `Only http and https URLs are allowed, not ${url.protocol}`)
    }
    const needed = netCapability(host)
    if (!granted(context.capabilities, needed)) {
      throw new ExtensionError('CAPABILITY_DENIED', `The tool lacks capability "${needed}"`)
    }
    if (!hostListed(options.allow, host)) {
      throw hostNotAllowed(`${host} is not on this server's allow-list (NEXUS_HTTP_ALLOW)`)
    }
    return url
  }

  async function request(url: URL, init: { method: string; headers?: Json; body?: Json }): Promise<JsonObject> {
    const headers: Record<string, string> = {}
    if (init.headers && typeof init.headers === 'object' && !Array.isArray(init.headers)) {
      for (const [k, v] of Object.entries(init.headers)) if (typeof v === 'string') headers[k] = v
    }
    // The called service may join the run's trace; TriLog's baggage (it names objects) stays inside.
    injectTraceHeaders(headers, undefined, { traceparentOnly: true })
    let body: string | undefined
    if (init.body !== undefined && init.body !== null) {
      if (init.method === 'GET' || init.method === 'HEAD') {
        throw new ExtensionError('BAD_ARGUMENT', `A ${init.method} request has no body`)
      }
      body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body)
      if (typeof init.body !== 'string') headers['content-type'] ??= 'application/json'
    }
    let res: { status: number; contentType: string; text: string }
    try {
      res = await client.request(url, { method: init.method, headers, body, timeoutMs, maxResponseBytes: maxBytes })
    } catch (error) {
      if (error instanceof AddressRefusedError) throw hostNotAllowed(`${error.message}; ${PUBLIC_ONLY}`)
      if (error instanceof OutboundError) throw new ExtensionError(error.code, error.message)
      throw error
    }
    let parsed: Json = res.text
    if (res.contentType.includes('json')) {
      try {
        parsed = JSON.parse(res.text) as Json
      } catch {
        parsed = res.text
      }
    }
    return { status: res.status, ok: res.status >= 200 && res.status < 300, contentType: res.contentType, body: parsed }
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
    async stop() {
      client.close()
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
        return request(checkTarget(spec.url, context), { method: verb, headers: spec.headers, body: spec.body })
      }
      const url = checkTarget(args[0], context)
      return method === 'post'
        ? request(url, { method: 'POST', headers: opts.headers, body: args[1] ?? null })
        : request(url, { method: 'GET', headers: opts.headers })
    },
  }
}

const PUBLIC_ONLY =
  'nexus.http reaches public addresses only (NEXUS_HTTP_ALLOW_PRIVATE=1 lifts this on a trusted server)'

/** HOST_NOT_ALLOWED; the guest sees only the message, so it names the code. */
function hostNotAllowed(message: string): ExtensionError {
  return new ExtensionError('HOST_NOT_ALLOWED', `HOST_NOT_ALLOWED: ${message}`)
}
