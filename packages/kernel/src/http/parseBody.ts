import type { Request } from 'express'
import type { z } from 'zod'
import { valueShapeProblem } from '@nexus/protocol'
import { KernelError, describeZodError } from '../errors.ts'

/** Validates a JSON body against a protocol schema; the error names the path of each problem. */
export function parseBody<T extends z.ZodType>(schema: T, req: Request): z.infer<T> {
  if (!req.is('application/json')) {
    throw new KernelError('BAD_REQUEST', 'Send a JSON body with Content-Type: application/json', 415)
  }
  // Already bounded when read as JSON; checked again for bodies that reached here another way.
  const problem = valueShapeProblem(req.body)
  if (problem) throw new KernelError('BAD_REQUEST', problem, 400)
  const parsed = schema.safeParse(req.body)
  if (!parsed.success) throw new KernelError('BAD_REQUEST', describeZodError(parsed.error), 400)
  return parsed.data
}
