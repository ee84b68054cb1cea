import { decode } from '@msgpack/msgpack'
import {
  MAX_JSON_NODES,
  MAX_MESSAGE_BYTES,
  jsonTextDepthProblem,
  valueShapeProblem,
  type KernelErrorBody,
} from '@nexus/protocol'

/** MessagePack: no string, binary, array or map larger than a frame could honestly carry; no extensions. */
const MSGPACK_LIMITS = {
  maxStrLength: MAX_MESSAGE_BYTES,
  maxBinLength: MAX_MESSAGE_BYTES,
  maxArrayLength: MAX_JSON_NODES,
  maxMapLength: MAX_JSON_NODES,
  maxExtLength: 0,
}

export type ReadFrame = { ok: true; value: unknown } | { ok: false; error: KernelErrorBody; reqId?: string }

/**
 * A frame from outside, made safe for a schema parse (which recurses per level and would overflow the stack
 * on a deep frame): the size cap, the JSON bracket scan before `JSON.parse` or a length-limited (iterative)
 * MessagePack decode, then the depth and size of the decoded value.
 */
export function readFrame(bytes: Buffer, isBinary: boolean): ReadFrame {
  if (bytes.byteLength > MAX_MESSAGE_BYTES) {
    const message = `Messages are limited to ${MAX_MESSAGE_BYTES} bytes; this one had ${bytes.byteLength}`
    return { ok: false, error: { code: 'MESSAGE_TOO_LARGE', message } }
  }
  let value: unknown
  try {
    const tooDeep = isBinary ? undefined : jsonTextDepthProblem(bytes)
    if (tooDeep) return { ok: false, error: { code: 'BAD_MESSAGE', message: tooDeep } }
    value = isBinary ? decode(bytes, MSGPACK_LIMITS) : JSON.parse(bytes.toString())
  } catch (error) {
    const what = isBinary ? 'valid MessagePack' : 'valid JSON'
    const limit = error instanceof RangeError ? ` (${error.message})` : ''
    return { ok: false, error: { code: 'BAD_MESSAGE', message: `The message is not ${what}${limit}` } }
  }
  const shape = valueShapeProblem(value)
  if (shape) return { ok: false, error: { code: 'BAD_MESSAGE', message: shape }, reqId: reqIdOf(value) }
  return { ok: true, value }
}

/** The `reqId` of a decoded message, read without a schema parse (to answer even a refused message). */
export function reqIdOf(raw: unknown): string | undefined {
  const reqId = (raw as { reqId?: unknown } | null)?.reqId
  return typeof reqId === 'string' && reqId.length <= 128 ? reqId : undefined
}
