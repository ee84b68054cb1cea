import type { IncomingMessage, ServerResponse } from 'node:http'
import { createGunzip, createInflate } from 'node:zlib'
import type { Readable } from 'node:stream'
import type { z } from 'zod'
import { KERNEL_EVENT_KINDS } from '../events.ts'
import type { TrilogStore } from '../TrilogStore.ts'
import {
  MAX_OTLP_RECORDS,
  OtlpBatchTooLargeError,
  logsFromOtlp,
  metricsFromOtlp,
  spansFromOtlp,
  type OtlpAnchor,
} from './convert.ts'
import { checkAnchors, type OtlpAuthorize } from './authorize.ts'
import { MetricsRequestSchema } from './schema.ts'

export interface OtlpHandlerOptions {
  /** Largest accepted body after decompression, bytes (a gzip bomb stops here). Default 8 MiB. */
  maxBodyBytes?: number
  /** Most spans, log records or metric data points one request may carry. Default `MAX_OTLP_RECORDS`. */
  maxRecords?: number
  /**
   * Asked once per distinct object the request's records anchor to (`trilog.obj_type`/`trilog.obj_id`),
   * before anything is stored; a reason refuses the whole request with 403. Default: every object allowed.
   */
  authorize?: OtlpAuthorize
  /** `trilog.kind`s no sender may write (refused with 403). Default `KERNEL_EVENT_KINDS`. */
  reservedKinds?: ReadonlySet<string>
  /** Span names no sender may use (refused with 403). Default none. */
  reservedSpanNames?: ReadonlySet<string>
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

type Settings = Required<Omit<OtlpHandlerOptions, 'authorize'>> & Pick<OtlpHandlerOptions, 'authorize'>

/**
 * OTLP/HTTP JSON ingest for `POST …/v1/traces`, `…/v1/logs` and `…/v1/metrics` (protobuf is refused with
 * 415). Answers once the data is stored: `{"partialSuccess":{}}` on success, 400 with `{code, message}`
 * for a malformed payload, 403 when a record writes a reserved kind or an object `authorize` refuses
 * (nothing of that request is stored: no silent partial success), 413 over the size or record limit, 503
 * when the store refuses the write (retryable).
 *
 * @example createServer(createOtlpHandler(store)).listen(4318, '127.0.0.1')
 */
export function createOtlpHandler(store: TrilogStore, options: OtlpHandlerOptions = {}): OtlpHandler {
  const settings: Settings = {
    maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
    maxRecords: options.maxRecords ?? MAX_OTLP_RECORDS,
    authorize: options.authorize,
    reservedKinds: options.reservedKinds ?? KERNEL_EVENT_KINDS,
    reservedSpanNames: options.reservedSpanNames ?? new Set(),
  }
  return (req, res) => {
    handle(store, settings, req).then(
      (body) => reply(res, 200, body),
      (error: unknown) => {
        if (error instanceof HttpError)
          reply(res, error.status, { code: GRPC_CODES[error.status] ?? 3, message: error.message })
        else reply(res, 500, { code: 13, message: (error as Error).message })
      },
    )
  }
}

/** google.rpc.Status codes for the answers that are not INVALID_ARGUMENT (3). */
const GRPC_CODES: Record<number, number> = { 403: 7, 413: 8, 503: 14 }

async function handle(store: TrilogStore, settings: Settings, req: IncomingMessage): Promise<object> {
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
  const json = parseJson(await readBody(req, settings.maxBodyBytes))
  const refuse = (reason: string | undefined) => {
    if (reason !== undefined) throw new HttpError(403, `${reason}; nothing from this request was stored`)
  }
  try {
    if (signal === 'traces') {
      const rows = spansFromOtlp(json, settings.maxRecords)
      const anchors: OtlpAnchor[] = []
      for (const row of rows) {
        if (settings.reservedSpanNames.has(row.name))
          refuse(`Span name "${row.name}" is recorded only by the Nexus kernel; name your spans otherwise`)
        if (row.obj_type && row.obj_id) anchors.push({ type: row.obj_type, id: row.obj_id })
      }
      refuse(await checkAnchors(req, anchors, settings.authorize))
      await stored(store.insertSpans(rows))
      return { partialSuccess: {} }
    }
    if (signal === 'logs') {
      const { logs, events, anchors } = logsFromOtlp(json, settings.maxRecords)
      for (const event of events)
        if (settings.reservedKinds.has(event.kind))
          refuse(
            `trilog.kind "${event.kind}" on ${event.objType} "${event.objId}" is recorded only by the Nexus kernel; use a kind of your own`,
          )
      refuse(await checkAnchors(req, anchors, settings.authorize))
      await stored(store.insertLogs(logs))
      if (events.length) {
        store.record(events)
        await stored(store.flush())
      }
      return { partialSuccess: {} }
    }
    checkDepth(json, MAX_METRICS_DEPTH)
    const rows = metricsFromOtlp(validate(MetricsRequestSchema, json))
    if (rows.length > settings.maxRecords)
      throw new OtlpBatchTooLargeError(
        `The request carries more than ${settings.maxRecords} data points; send smaller batches`,
      )
    await stored(store.insertMetrics(rows))
    return { partialSuccess: {} }
  } catch (error) {
    if (error instanceof OtlpBatchTooLargeError) throw new HttpError(413, error.message)
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

/** Metrics nest about ten levels plus their attribute values; zod and `fromAnyValue` recurse per level. */
const MAX_METRICS_DEPTH = 48

/** Refuses JSON nested deeper than `max` (iteratively, so the check itself cannot overflow the stack). */
function checkDepth(json: unknown, max: number): void {
  const stack: [unknown, number][] = [[json, 0]]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [value, depth] = item
    if (typeof value !== 'object' || value === null) continue
    if (depth >= max) throw new HttpError(400, `The body nests deeper than ${max} levels`)
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1])
  }
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
  const inflater = encoding === 'gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : undefined
  if (!inflater && encoding !== 'identity') {
    req.resume()
    return Promise.reject(new HttpError(415, `Content-Encoding "${encoding}" is not supported; use gzip or none`))
  }
  const source: Readable = inflater ? req.pipe(inflater) : req
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
      // Stop a decompressor now, and drain the request (discarding it) before answering: a response sent
      // while the client is still uploading makes it see a reset connection instead of the 413.
      if (inflater) {
        req.unpipe(inflater)
        inflater.destroy()
      }
      const refuse = () => reject(new HttpError(413, `The body is larger than ${limit} bytes; send smaller batches`))
      if (req.readableEnded) refuse()
      else req.once('end', refuse).once('close', refuse).resume()
    })
    source.on('end', () => tooLarge || resolve(Buffer.concat(chunks).toString('utf8')))
    source.on('error', (error) => reject(new HttpError(400, `Could not read the body: ${error.message}`)))
  })
}

function reply(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent) return
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
