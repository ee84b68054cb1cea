import { existsSync } from 'node:fs'
import { join } from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import { MAX_NXML_BYTES, jsonTextDepthProblem, type KernelErrorBody } from '@nexus/protocol'
import type { AccountService } from '../accounts/AccountService.ts'
import { KernelError } from '../errors.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { PanelService } from '../panels/PanelService.ts'
import type { Sandbox } from '@nexus/sandbox'
import { context as otelContext } from '@opentelemetry/api'
import { createOtlpHandler, extractTraceHeaders, type Trilog, type TrilogStore } from '@nexus/trilog'
import { authenticate, requirePrincipal } from './auth.ts'
import type { NogService } from '../nog/NogService.ts'
import { historyRoutes } from './historyRoutes.ts'
import { requestRateLimit } from './rateLimit.ts'
import { securityHeaders } from './securityHeaders.ts'
import { otlpOptions } from './otlpAccess.ts'
import { nogRoutes } from './nogRoutes.ts'
import { authRoutes } from './authRoutes.ts'
import { panelRoutes } from './panelRoutes.ts'
import { workspaceRoutes } from './workspaceRoutes.ts'

export interface AppOptions {
  panels: PanelService
  nog: NogService
  trilog: TrilogStore
  telemetry: Trilog
  sandbox: Sandbox
  accounts: AccountService
  clock: () => number
  metrics: KernelMetrics
  /** Resolves when every dependency answers; rejects with the reason otherwise. */
  ready: () => Promise<void>
  studioDir?: string
}

/** The HTTP API under `/api`, plus the built studio at `/`. Every error is `{error:{code,message}}`. */
export function createApp({
  panels,
  nog,
  trilog,
  telemetry,
  sandbox,
  accounts,
  clock,
  metrics,
  ready,
  studioDir,
}: AppOptions): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // CSP and companions on every answer, errors included; then a request budget per caller.
  app.use(securityHeaders())
  const limits = requestRateLimit()
  app.use(limits.outsideApi)
  // W3C trace context from callers (`traceparent`, baggage): kernel spans join the caller's trace.
  app.use((req, _res, next) => otelContext.with(extractTraceHeaders(req.headers), next))
  // OTLP/HTTP ingest reads its own body (JSON, gzip); any logged-in caller or API key may send, anchored
  // only to objects they may edit and never as the kernel (reserved kinds and span names).
  const otlp = createOtlpHandler(trilog, otlpOptions(accounts, panels))
  const otlpAuth = authenticate(accounts)
  app.post(['/v1/traces', '/v1/logs', '/v1/metrics'], otlpAuth, (req, res) => {
    requirePrincipal(req)
    otlp(req, res)
  })
  // The caller is known (and counted) before any body is read.
  app.use('/api', authenticate(accounts), limits.api)
  // Bodies nested deeper than any real request are refused from the raw bytes, before JSON.parse or a schema
  // parse can recurse into them.
  app.use('/api', express.json({ limit: MAX_NXML_BYTES * 2, verify: refuseDeepJson }))

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })

  app.get('/readyz', async (_req, res) => {
    try {
      await ready()
      res.json({ status: 'ready' })
    } catch (error) {
      res.status(503).json(errorBody({ code: 'NOT_READY', message: (error as Error).message }))
    }
  })

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })

  app.use(
    '/api',
    authRoutes(accounts, telemetry),
    workspaceRoutes(accounts),
    panelRoutes(panels, accounts),
    nogRoutes(nog, accounts, trilog),
    historyRoutes(panels, accounts, trilog, telemetry, sandbox, clock),
  )

  app.use('/api', (req, _res, next) => {
    next(new KernelError('NOT_FOUND', `No route for ${req.method} ${req.originalUrl}`, 404))
  })

  if (studioDir && existsSync(join(studioDir, 'index.html'))) {
    app.use(express.static(studioDir, { index: 'index.html', maxAge: '1h' }))
    app.get('/{*rest}', (_req, res) => res.sendFile(join(studioDir, 'index.html')))
  } else {
    app.get('/', (_req, res) => {
      res.type('text').send('Nexus kernel is running. The studio is not built: run `npm start` to build it.')
    })
  }

  app.use(errorHandler(metrics))
  return app
}

/**
 * Checks a JSON body before it is parsed: UTF-8 only (RFC 8259 §8.1; body-parser would decode UTF-16 and
 * read a body too short to hold one character as `{}`), and nested no deeper than the protocol allows.
 */
function refuseDeepJson(_req: Request, _res: Response, body: Buffer, encoding: string): void {
  if (encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    throw new KernelError('BAD_REQUEST', `JSON bodies must be UTF-8 (got charset=${encoding}); send UTF-8`, 415)
  }
  const problem = jsonTextDepthProblem(body)
  if (problem) throw new KernelError('BAD_REQUEST', problem, 400)
}

/** Every error answer is built through here, so its code is one the protocol knows. */
function errorBody(error: KernelErrorBody): { error: KernelErrorBody } {
  return { error }
}

/**
 * Expected failures (`KernelError`, body-parser's refusals) answer with their code; anything else is a 500
 * `INTERNAL`, logged with its cause and the route, and counted in `nexus_http_failures_total`.
 */
function errorHandler(metrics: KernelMetrics) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (error instanceof KernelError) {
      res.status(error.status).json(errorBody(error.toBody()))
      return
    }
    const type = (error as { type?: string }).type
    if (type === 'entity.parse.failed') {
      res.status(400).json(errorBody({ code: 'BAD_REQUEST', message: 'The request body is not valid JSON' }))
    } else if (type === 'entity.too.large') {
      const message = `Bodies are limited to ${MAX_NXML_BYTES * 2} bytes`
      res.status(413).json(errorBody({ code: 'PAYLOAD_TOO_LARGE', message }))
    } else if ((error as { status?: number }).status === 400) {
      res.status(400).json(errorBody({ code: 'BAD_REQUEST', message: (error as Error).message }))
    } else {
      const route = routeLabel(req)
      console.error(`[http] ${route} failed:`, error)
      metrics.httpFailures.inc({ route })
      res.status(500).json(errorBody({ code: 'INTERNAL', message: 'The kernel failed to handle this request' }))
    }
  }
}

/** `GET /api/panels/:id`: the matched route (a bounded label, not the URL); `unmatched` when none matched. */
function routeLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path
  if (typeof path !== 'string') return `${req.method} unmatched`
  return `${req.method} ${req.originalUrl.startsWith('/api/') ? '/api' : ''}${path}`
}
