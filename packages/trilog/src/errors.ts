/** A TriLog store failure; `code` is stable, the message says what to do. */
export class TrilogError extends Error {
  override readonly name = 'TrilogError'
  constructor(
    readonly code: 'TRILOG_UNAVAILABLE' | 'TRILOG_DATA_DIR_IN_USE' | 'TRILOG_QUERY_FAILED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}
