import { z } from 'zod'

export const SpanSchema = z.object({ start: z.number().int(), end: z.number().int() })
/** Offsets into the source text, `end` exclusive. */
export type Span = z.infer<typeof SpanSchema>

export const DiagnosticSchema = z.object({
  code: z.string(),
  severity: z.enum(['error', 'warning', 'info']),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  endLine: z.number().int().optional(),
  endColumn: z.number().int().optional(),
  span: SpanSchema.optional(),
  suggestion: z.string().optional(),
})
/** A problem found in NXML; `line` and `column` are 1-based. */
export type Diagnostic = z.infer<typeof DiagnosticSchema>
