import type { IncomingMessage, ServerResponse } from 'node:http'
import { createGunzip, createInflate } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { z } from 'zod'
import type { TrilogStore } from '../TrilogStore.ts'
import { logsFromOtlp, metricsFromOtlp, spansFromOtlp } from './convert.ts'
import { MetricsRequestSchema } from './schema.ts'

export interface OtlpHandlerOptions {
  /** Largest accepted body after decompression, bytes. Default 8 MiB. */
  maxBodyBytes?: number
}

/** An OTLP/HTTP request handler for `node:http` (or anything passing the same req/res). */
export type OtlpHandler = (req: IncomingMessage, res: ServerResponse) => void

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

/**
 * OTLP/HTTP JSON ingest for `POST …/v1/traces`, `…/v1/logs` and `…/v1/metrics` (protobuf is refused with
 * 415). Answers once the data is stored: `{"partialSuccess":{}}` on success, 400 with `{code, message}`
 * for a malformed payload, 413 over the size limit, 503 when the store refuses the write (retryable).
 *
 * @example createServer(createOtlpHandler(store)).listen(4318, '127.0.0.1')
 */
export function createOtlpHandler(store: TrilogStore, options: OtlpHandlerOptions = {}): OtlpHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024
  return (req, res) => {
    handle(store, maxBodyBytes, req).then(
      (body) => reply(res, 200, body),
      (error: unknown) => {
        if (error instanceof HttpError)
          reply(res, error.status, { code: error.status === 503 ? 14 : 3, message: error.message })
        else reply(res, 500, { code: 13, message: (error as Error).message })
      },
    )
  }
}

async function handle(store: TrilogStore, maxBodyBytes: number, req: IncomingMessage): Promise<object> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname
  const signal = path.endsWith('/v1/traces')
    ? 'traces'
    : path.endsWith('/v1/logs')
      ? 'logs'
      : path.endsWith('/v1/metrics')
        ? 'metrics'
        : undefined
  if (!signal) {
    req.resume()
    throw new HttpError(404, `No OTLP endpoint at ${path}; use /v1/traces, /v1/logs or /v1/metrics`)
  }
  if (req.method !== 'POST') {
    req.resume()
    throw new HttpError(405, `${req.method} is not allowed on ${path}; OTLP/HTTP uses POST`)
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
  if (type !== 'application/json') {
    req.resume()
    throw new HttpError(415, `Content-Type "${type}" is not supported; send OTLP/HTTP JSON (application/json)`)
  }
  const json = parseJson(await readBody(req, maxBodyBytes))
  try {
    if (signal === 'traces') {
      const rows = spansFromOtlp(json)
      await stored(store.insertSpans(rows))
      return { partialSuccess: {} }
    }
    if (signal === 'logs') {
      const { logs, events } = logsFromOtlp(json)
      await stored(store.insertLogs(logs))
      if (events.length) {
        store.record(events)
        await stored(store.flush())
      }
      return { partialSuccess: {} }
    }
    await stored(store.insertMetrics(metricsFromOtlp(validate(MetricsRequestSchema, json))))
    return { partialSuccess: {} }
  } catch (error) {
    if (error instanceof RangeError) throw new HttpError(400, error.message)
    throw error
  }
}

async function stored(write: Promise<void>): Promise<void> {
  try {
    await write
  } catch (error) {
    throw new HttpError(503, `TriLog could not store the data, retry later: ${(error as Error).message}`)
  }
}

function validate<T>(schema: z.ZodType<T>, json: unknown): T {
  const parsed = schema.safeParse(json)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]!
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '')
  throw new HttpError(400, `At ${path || '(root)'}: ${issue.message}`)
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new HttpError(400, `The body is not valid JSON: ${(error as Error).message}`)
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase()
  let source: Readable = req
  if (encoding === 'gzip') source = req.pipe(createGunzip())
  else if (encoding === 'deflate') source = req.pipe(createInflate())
  else if (encoding !== 'identity') {
    req.resume()
    return Promise.reject(new HttpError(415, `Content-Encoding "${encoding}" is not supported; use gzip or none`))
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    source.on('data', (chunk: Buffer) => {
      if (tooLarge) return
      size += chunk.length
      if (size <= limit) return void chunks.push(chunk)
      tooLarge = true
      chunks.length = 0
      // Keep draining the socket (destroying it would lose the response); stop a decompressor now.
      if (source !== req) source.destroy()
      req.resume()
      reject(new HttpError(413, `The body is larger than ${limit} bytes; send smaller batches`))
    })
    source.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    source.on('error', (error) => reject(new HttpError(400, `Could not read the body: ${error.message}`)))
  })
}

function reply(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
