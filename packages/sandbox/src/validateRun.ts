import { SandboxConfigError } from './errors.ts'
import type { HandlerRun } from './types.ts'

/** Checks the shape of a run request; a bad one is a programmer error and throws. */
export function validateRun(req: HandlerRun): void {
  if (typeof req.code !== 'string') throw new SandboxConfigError('run: code must be a string')
  if (!isPlainObject(req.state)) throw new SandboxConfigError('run: state must be a JSON object')
  if (!isPlainObject(req.args)) throw new SandboxConfigError('run: args must be a JSON object')
  if (req.computed !== undefined && !isPlainObject(req.computed)) {
    throw new SandboxConfigError('run: computed must be a JSON object when given')
  }
  if (!Array.isArray(req.capabilities) || !req.capabilities.every((c) => typeof c === 'string')) {
    throw new SandboxConfigError('run: capabilities must be an array of strings')
  }
  if (req.wasi !== undefined && !(req.wasi?.module instanceof Uint8Array)) {
    throw new SandboxConfigError('run: wasi.module must be a Uint8Array holding a WebAssembly module')
  }
  for (const key of ['line', 'seed', 'now'] as const) {
    const value = req[key]
    if (value !== undefined && !Number.isFinite(value))
      throw new SandboxConfigError(`run: ${key} must be a finite number`)
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
