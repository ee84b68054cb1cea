import type { IncomingMessage } from 'node:http'
import { OtlpBatchTooLargeError, type OtlpAnchor } from './convert.ts'

/**
 * Whether the sender of `req` may write records anchored to `anchor`: `undefined` allows, a reason refuses
 * (it becomes the 403 message, so it names the object and says why).
 */
export type OtlpAuthorize = (req: IncomingMessage, anchor: OtlpAnchor) => Promise<string | undefined>

/** Distinct objects one request may anchor to; each costs an `authorize` call (a lookup in the kernel). */
export const MAX_ANCHORED_OBJECTS = 256

/**
 * Asks `authorize` once per distinct object in `anchors`, in order, and returns the first refusal.
 * Throws `OtlpBatchTooLargeError` past `MAX_ANCHORED_OBJECTS` before asking about any.
 */
export async function checkAnchors(
  req: IncomingMessage,
  anchors: readonly OtlpAnchor[],
  authorize: OtlpAuthorize | undefined,
): Promise<string | undefined> {
  if (!authorize || anchors.length === 0) return undefined
  const distinct = new Map<string, OtlpAnchor>()
  for (const anchor of anchors) distinct.set(`${anchor.type}\u0000${anchor.id}`, anchor)
  if (distinct.size > MAX_ANCHORED_OBJECTS)
    throw new OtlpBatchTooLargeError(
      `The request anchors to ${distinct.size} objects, more than ${MAX_ANCHORED_OBJECTS}; send smaller batches`,
    )
  for (const anchor of distinct.values()) {
    const reason = await authorize(req, anchor)
    if (reason !== undefined) return reason
  }
  return undefined
}
