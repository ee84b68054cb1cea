import type { ErrorBody, JsonObject, PanelAst } from '@nexus/protocol'
import { createStore, parseNxml, type Store } from '@nexus/reactor'
import { BindQueue } from './BindQueue.ts'
import type { Connection } from './Connection.ts'

/** A panel as this page holds it: the parsed NXML, its store, and the version the store is at. */
export interface LivePanel {
  ast: PanelAst
  store: Store
  version: number
}

/** What a panel's sync tells the page. */
export interface PanelSyncEvents {
  /** A snapshot arrived: a new store (the previous one is dropped). */
  live(panel: LivePanel): void
  /** The store is at `version` now (after a snapshot or a patch). */
  version(version: number): void
  /** The panel cannot be shown (`undefined` once a good snapshot came). */
  error(message: string | undefined): void
  /** The kernel refused a write (a `bind`). */
  notice(message: string): void
}

/** One panel's sync; `stop()` flushes the bind queue and unsubscribes. */
export interface PanelSync {
  binds: BindQueue
  stop(): void
}

/**
 * Keeps one panel in step over the shared connection: subscribe, a snapshot into a fresh store, patches in
 * version order (a gap or a failing patch asks for a fresh snapshot), and after a reconnect a resume with
 * `since` plus a flush of the writes the drop cut off. Bound inputs write through a `BindQueue`; what was
 * typed and not yet acknowledged is laid over every snapshot and patch, so the input keeps it.
 */
export function startPanelSync(connection: Connection, panelId: string, on: PanelSyncEvents): PanelSync {
  const channel = `panel:${panelId}`
  let current: LivePanel | undefined
  const subscribe = (fresh = false) => {
    const message: JsonObject & { type: string } = { type: 'subscribe', channel }
    if (!fresh && current) message.since = current.version
    connection.request(message).catch((e: ErrorBody) => on.error(e.message))
  }
  const binds = new BindQueue(
    (path, value) => connection.request({ type: 'bind', panelId, path, value }),
    (_path, e) => {
      on.notice(`${e.code}: ${e.message}`)
      subscribe(true) // the kernel refused what was typed: show its value again
    },
  )
  // Typed but not acknowledged yet: laid over what the kernel sends, so the input keeps it.
  const overlay = (store: Store) => {
    const pending = binds.pending()
    if (pending.length > 0) store.applyPatch(pending)
  }
  const offMessage = connection.onMessage((message) => {
    if (message.type === 'snapshot' && message.channel === channel && message.panel) {
      const { ast, diagnostics } = parseNxml(message.panel.nxml)
      if (!ast) {
        on.error(`This panel's NXML does not parse: ${diagnostics[0]?.message ?? 'unknown error'}`)
        return
      }
      current = { ast, store: createStore(message.panel.state, ast.computeds), version: message.version }
      overlay(current.store)
      on.live(current)
      on.version(current.version)
      on.error(undefined)
    } else if (message.type === 'patch' && message.channel === channel && current) {
      if (message.version <= current.version) return
      if (message.version !== current.version + 1 || !current.store.applyPatch(message.ops).ok) {
        subscribe(true) // out of step: start again from a snapshot
        return
      }
      overlay(current.store)
      current.version = message.version
      on.version(message.version)
    }
  })
  const offOpen = connection.onOpen(() => {
    subscribe()
    binds.flush() // writes cut off by a dropped connection
  })
  return {
    binds,
    stop() {
      binds.flush()
      offMessage()
      offOpen()
      connection.request({ type: 'unsubscribe', channel }).catch(() => undefined)
    },
  }
}
