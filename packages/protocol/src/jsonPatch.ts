import fastJsonPatch from 'fast-json-patch'
import type { Json } from './json.ts'
import type { PatchOp } from './patch.ts'

const { applyPatch: applyFast, deepClone, JsonPatchError, validator } = fastJsonPatch

type Validator = Parameters<typeof applyFast>[2]

/** The library's own checks, plus RFC 6901's rule that array indices have no leading zeros. */
const strictValidator: Validator = (operation, index, document, existingPath) => {
  validator(operation, index, document, existingPath)
  const op = operation as PatchOp
  for (const pointer of [op.path, 'from' in op ? op.from : undefined]) {
    if (pointer === undefined) continue
    let node: unknown = document
    for (const segment of parsePointer(pointer)) {
      if (Array.isArray(node) && /^0\d+$/.test(segment)) {
        throw new JsonPatchError(
          `array index "${segment}" has a leading zero`,
          'OPERATION_PATH_ILLEGAL_ARRAY_INDEX',
          index,
          operation,
          document,
        )
      }
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined
    }
  }
}

export type ApplyResult =
  { ok: true; value: Json } | { ok: false; error: { code: string; message: string; index?: number } }

/**
 * Applies RFC 6902 operations to a copy of `doc` and returns the new document; `doc` is never mutated.
 * Every operation is validated first, so a bad patch leaves nothing half-applied.
 */
export function applyPatch(doc: Json, ops: readonly PatchOp[]): ApplyResult {
  try {
    const result = applyFast(deepClone(doc), ops as never, strictValidator, true, true)
    return { ok: true, value: result.newDocument as Json }
  } catch (e) {
    if (e instanceof JsonPatchError) {
      return { ok: false, error: { code: e.name, message: e.message.split('\n')[0] ?? e.message, index: e.index } }
    }
    return { ok: false, error: { code: 'PATCH_INVALID', message: String((e as Error).message ?? e) } }
  }
}

/** Escapes one JSON Pointer segment (RFC 6901); the usual segment, with neither `~` nor `/`, as it is. */
export function escapePointer(segment: string): string {
  if (!segment.includes('~') && !segment.includes('/')) return segment
  return segment.replace(/~/g, '~0').replace(/\//g, '~1')
}

function unescapeSegment(segment: string): string {
  return segment.includes('~') ? segment.replace(/~1/g, '/').replace(/~0/g, '~') : segment
}

/** Splits a JSON Pointer into its unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  return pointer.slice(1).split('/').map(unescapeSegment)
}

/**
 * The first segment of a JSON Pointer, unescaped (`parsePointer(pointer)[0]` without splitting the rest);
 * undefined for the root pointer `""`.
 * @example pointerHead('/items/0/title') // 'items'
 */
export function pointerHead(pointer: string): string | undefined {
  if (pointer === '') return undefined
  const end = pointer.indexOf('/', 1)
  return unescapeSegment(end < 0 ? pointer.slice(1) : pointer.slice(1, end))
}
