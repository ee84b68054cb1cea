import { z } from 'zod'
import { JsonSchema } from './json.ts'

/** One RFC 6902 operation. */
export const PatchOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string(), value: JsonSchema }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.literal('replace'), path: z.string(), value: JsonSchema }),
  z.object({ op: z.literal('move'), path: z.string(), from: z.string() }),
  z.object({ op: z.literal('copy'), path: z.string(), from: z.string() }),
  z.object({ op: z.literal('test'), path: z.string(), value: JsonSchema }),
])
export type PatchOp = z.infer<typeof PatchOpSchema>
export const PatchSchema = z.array(PatchOpSchema)
