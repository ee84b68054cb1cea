import { once } from 'node:events'
import http, { type IncomingMessage } from 'node:http'
import https from 'node:https'
import { isIP } from 'node:net'
import { AddressRefusedError, guardedLookup, vetAddress, type AddressPolicy, type Resolver } from './addressPolicy.ts'

/** One outbound request; the URL's host has already passed the caller's grants and allow-list. */
export interface OutboundRequest {
  method: string
  headers: Record<string, string>
  body?: string
  timeoutMs: number
  maxResponseBytes: number
}

export interface OutboundResponse {
  status: number
  contentType: string
  text: string
}

/** An expected outbound failure, by code: TIMEOUT, NETWORK, BAD_ARGUMENT, RESPONSE_TOO_LARGE. */
export class OutboundError extends Error {
  override readonly name = 'OutboundError'
  constructor(
    readonly code: 'TIMEOUT' | 'NETWORK' | 'BAD_ARGUMENT' | 'RESPONSE_TOO_LARGE',
    message: string,
  ) {
    super(message)
  }
}

/**
 * HTTP(S) out under an `AddressPolicy`, applied to the address every connection really uses: IP literals are
 * vetted before connecting, names inside the connection's own DNS lookup (`guardedLookup`), so the address
 * checked is the address dialled. Keep-alive agents reuse only connections made that way. Redirects are not
 * followed (a 3xx is returned as it is), so a redirect cannot lead anywhere unchecked.
 */
export class GuardedClient {
  readonly #policy: AddressPolicy
  readonly #http: http.Agent
  readonly #https: https.Agent

  constructor(policy: AddressPolicy, resolve?: Resolver) {
    this.#policy = policy
    const lookup = guardedLookup(policy, resolve)
    this.#http = new http.Agent({ keepAlive: true, lookup })
    this.#https = new https.Agent({ keepAlive: true, lookup })
  }

  /** Sends `init` to `url` (http or https) and reads at most `maxResponseBytes` of the answer. */
  async request(url: URL, init: OutboundRequest): Promise<OutboundResponse> {
    if (url.username || url.password) {
      throw new OutboundError('BAD_ARGUMENT', 'Put credentials in a header, not in the URL')
    }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host)) vetAddress(host, host, this.#policy) // Node dials IP literals without a lookup
    const signal = AbortSignal.timeout(init.timeoutMs)
    const secure = url.protocol === 'https:'
    try {
      const req = (secure ? https : http).request({
        hostname: host,
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: init.method,
        headers: init.body === undefined ? init.headers : { ...init.headers, 'content-length': bodyLength(init.body) },
        agent: secure ? this.#https : this.#http,
        signal,
      })
      const answered = once(req, 'response') as Promise<[IncomingMessage]>
      req.end(init.body)
      const [res] = await answered
      const text = await readLimited(res, init.maxResponseBytes)
      return { status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text }
    } catch (error) {
      throw outboundFailure(error, signal.aborted, init.timeoutMs)
    }
  }

  /** Closes every pooled connection. */
  close(): void {
    this.#http.destroy()
    this.#https.destroy()
  }
}

function bodyLength(body: string): string {
  return String(Buffer.byteLength(body))
}

/** The body as text, refused as soon as it (or its declared length) passes `maxBytes`. */
async function readLimited(res: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () => new OutboundError('RESPONSE_TOO_LARGE', `The response exceeded ${maxBytes} bytes`)
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) {
    res.destroy()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.byteLength
    if (size > maxBytes) {
      res.destroy()
      throw tooLarge()
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function outboundFailure(error: unknown, timedOut: boolean, timeoutMs: number): Error {
  if (error instanceof AddressRefusedError || error instanceof OutboundError) return error
  if (timedOut) return new OutboundError('TIMEOUT', `No answer within ${timeoutMs} ms`)
  const { code, message } = error as NodeJS.ErrnoException
  // node:http validates names, values and methods before sending anything.
  if (code?.startsWith('ERR_INVALID') || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
    return new OutboundError('BAD_ARGUMENT', message)
  }
  return new OutboundError('NETWORK', message)
}
