import type { Json, PatchOp } from '@nexus/protocol'

/** A JSON value on one line, shortened past `max` characters; `undefined` reads as an em dash. */
export function jsonText(value: Json | undefined, max = 120): string {
  if (value === undefined) return '—'
  const text = JSON.stringify(value)
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** `replace /count → 2`, `remove /items/1`, `move /a ← /b`. */
export function opText(op: PatchOp): string {
  if (op.op === 'remove') return `remove ${op.path}`
  if (op.op === 'move' || op.op === 'copy') return `${op.op} ${op.path} ← ${op.from}`
  return `${op.op} ${op.path} → ${jsonText(op.value)}`
}
