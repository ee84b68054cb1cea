import type { Request } from 'express'
import type { z } from 'zod'
import { KernelError, describeZodError } from '../errors.ts'

/**
 * Validates a route's query string against its protocol schema (the one way queries are read); a problem is
 * 400 `BAD_REQUEST` naming the parameter: `At limit: Too big: expected number to be <=1000`.
 *
 * @example const { at } = parseQuery(CauseQuerySchema, req)
 */
export function parseQuery<T extends z.ZodType>(schema: T, req: Request): z.output<T> {
  const parsed = schema.safeParse(req.query)
  if (!parsed.success) throw new KernelError('BAD_REQUEST', `Query: ${describeZodError(parsed.error)}`, 400)
  return parsed.data
}
