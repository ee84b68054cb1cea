import { existsSync } from 'node:fs'
import { join } from 'node:path'
import express, { type NextFunction, type Request, type Response } from 'express'
import {
  CreatePanelRequestSchema,
  MAX_NXML_BYTES,
  StateAtQuerySchema,
  TriggerRequestSchema,
  ValidateRequestSchema,
} from '@nexus/protocol'
import { compileNxml, renderPanelToString } from '@nexus/reactor'
import type { z } from 'zod'
import { KernelError, describeZodError } from '../errors.ts'
import type { KernelMetrics } from '../metrics.ts'
import type { PanelService } from '../panels/PanelService.ts'

export interface AppOptions {
  panels: PanelService
  metrics: KernelMetrics
  /** Resolves when every dependency answers; rejects with the reason otherwise. */
  ready: () => Promise<void>
  studioDir?: string
}

/** The HTTP API under `/api`, plus the built studio at `/`. Every error is `{error:{code,message}}`. */
export function createApp({ panels, metrics, ready, studioDir }: AppOptions): express.Express {
  const app = express()
  app.disable('x-powered-by')
  app.use('/api', express.json({ limit: MAX_NXML_BYTES * 2 }))

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })

  app.get('/readyz', async (_req, res) => {
    try {
      await ready()
      res.json({ status: 'ready' })
    } catch (error) {
      res.status(503).json({ error: { code: 'NOT_READY', message: (error as Error).message } })
    }
  })

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics())
  })

  app.post('/api/nxml/validate', (req, res) => {
    const { nxml } = parseBody(ValidateRequestSchema, req)
    res.json({ diagnostics: compileNxml(nxml).diagnostics })
  })

  app.get('/api/panels', async (_req, res) => {
    res.json({ panels: await panels.list() })
  })

  app.post('/api/panels', async (req, res) => {
    const { nxml } = parseBody(CreatePanelRequestSchema, req)
    const panel = await panels.create(nxml)
    res.status(201).json({ id: panel.id, title: panel.title, version: panel.version, state: panel.state })
  })

  app.get('/api/panels/:id', async (req, res) => {
    const { id, title, nxml, state, version } = await panels.get(req.params.id)
    res.json({ id, title, nxml, state, version })
  })

  app.get('/api/panels/:id/html', async (req, res) => {
    const panel = await panels.get(req.params.id)
    res.type('html').send(renderPanelToString(panel.ast, panel.state))
  })

  app.post('/api/panels/:id/trigger', async (req, res) => {
    const { tool, args } = parseBody(TriggerRequestSchema, req)
    const { version, state } = await panels.trigger(req.params.id, tool, args)
    res.json({ version, state })
  })

  app.get('/api/panels/:id/state', async (req, res) => {
    const query = StateAtQuerySchema.safeParse(req.query)
    if (!query.success) throw new KernelError('BAD_REQUEST', 'Pass ?at=<milliseconds since epoch>', 400)
    const state = await panels.stateAt(req.params.id, query.data.at)
    if (!state) throw new KernelError('NOT_FOUND', `Panel "${req.params.id}" did not exist at ${query.data.at}`, 404)
    res.json({ at: query.data.at, state })
  })

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

  app.use(errorHandler)
  return app
}

function parseBody<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  if (!req.is('application/json')) {
    throw new KernelError('BAD_REQUEST', 'Send a JSON body with Content-Type: application/json', 415)
  }
  const parsed = schema.safeParse(req.body)
  if (!parsed.success) throw new KernelError('BAD_REQUEST', describeZodError(parsed.error), 400)
  return parsed.data
}

function errorHandler(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  if (error instanceof KernelError) {
    res.status(error.status).json({ error: error.toBody() })
    return
  }
  const type = (error as { type?: string }).type
  if (type === 'entity.parse.failed') {
    res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'The request body is not valid JSON' } })
  } else if (type === 'entity.too.large') {
    res
      .status(413)
      .json({ error: { code: 'PAYLOAD_TOO_LARGE', message: `Bodies are limited to ${MAX_NXML_BYTES * 2} bytes` } })
  } else if ((error as { status?: number }).status === 400) {
    res.status(400).json({ error: { code: 'BAD_REQUEST', message: (error as Error).message } })
  } else {
    console.error('[http]', error)
    res.status(500).json({ error: { code: 'INTERNAL', message: 'The kernel failed to handle this request' } })
  }
}
