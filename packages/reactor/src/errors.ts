import type { Diagnostic } from '@nexus/protocol'

/** Base of the reactor's errors: a stable `code` and a message that says what to do. */
export class ReactorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ReactorError'
  }
}

/** `createPanel` was given NXML with no `<NexusPanel>` root: there is nothing to run. */
export class NxmlCompileError extends ReactorError {
  constructor(readonly diagnostics: Diagnostic[]) {
    super('REACTOR_NO_PANEL', `The NXML has no usable <NexusPanel> root: ${diagnostics[0]?.message ?? 'empty input'}`)
    this.name = 'NxmlCompileError'
  }
}
