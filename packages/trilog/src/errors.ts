/** A TriLog failure; `code` is stable, the message says what to do. */
export class TrilogError extends Error {
  override readonly name = 'TrilogError'
  constructor(
    readonly code:
      | 'TRILOG_UNAVAILABLE'
      | 'TRILOG_DATA_DIR_IN_USE'
      | 'TRILOG_QUERY_FAILED'
      | 'TRILOG_INVALID_EVENT'
      | 'TRILOG_UNKNOWN_SCHEMA'
      | 'TRILOG_OTLP_INVALID',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
