import { useEffect, useRef, useState } from 'react'
import {
  TriggerAckResultSchema,
  type ErrorBody,
  type Json,
  type JsonObject,
  type LogEntry,
  type PanelAst,
} from '@nexus/protocol'
import { PanelView, createStore, parseNxml, type Store } from '@nexus/reactor'
import { HistoryPanel } from '../components/HistoryPanel.tsx'
import { LogDrawer, appendLog, type LogLine } from '../components/LogDrawer.tsx'
import { applyViewCommands } from '../components/viewCommands.ts'
import { useStudio } from '../store.ts'
import { BindQueue, bindOp } from '../sync/BindQueue.ts'

interface Live {
  ast: PanelAst
  store: Store
  version: number
}

/**
 * One live panel: snapshot, then patches, over the shared connection; resumes after a reconnect. Bound inputs
 * write to the kernel (`bind` messages through a `BindQueue`); what was typed and not yet acknowledged is laid
 * over every snapshot and patch, so the input keeps it. A trigger's `$log` lines go to the log drawer and its
 * `$view` commands are applied to this page's view.
 */
export function PanelPage({ panelId }: { panelId: string }) {
  const [live, setLive] = useState<Live>()
  const [version, setVersion] = useState<number>()
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()
  const [log, setLog] = useState<LogLine[]>([])
  const [binds, setBinds] = useState<BindQueue>()
  const view = useRef<HTMLDivElement>(null)

  useEffect(() => {
    const connection = useStudio.getState().connect()
    const channel = `panel:${panelId}`
    let current: Live | undefined
    const subscribe = (fresh = false) => {
      const message: JsonObject & { type: string } = { type: 'subscribe', channel }
      if (!fresh && current) message.since = current.version
      connection.request(message).catch((e: ErrorBody) => setError(e.message))
    }
    const queue = new BindQueue(
      (path, value) => connection.request({ type: 'bind', panelId, path, value }),
      (path, e) => {
        setNotice(`${e.code}: ${e.message}`)
        subscribe(true) // the kernel refused what was typed: show its value again
      },
    )
    // Typed but not acknowledged yet: laid over what the kernel sends, so the input keeps it.
    const overlay = (store: Store) => {
      const pending = queue.pending()
      if (pending.length > 0) store.applyPatch(pending)
    }
    const offMessage = connection.onMessage((message) => {
      if (message.type === 'snapshot' && message.channel === channel && message.panel) {
        const { ast, diagnostics } = parseNxml(message.panel.nxml)
        if (!ast) {
          setError(`This panel's NXML does not parse: ${diagnostics[0]?.message ?? 'unknown error'}`)
          return
        }
        current = { ast, store: createStore(message.panel.state, ast.computeds), version: message.version }
        overlay(current.store)
        setLive(current)
        setVersion(current.version)
        setError(undefined)
      } else if (message.type === 'patch' && message.channel === channel && current) {
        if (message.version <= current.version) return
        if (message.version !== current.version + 1 || !current.store.applyPatch(message.ops).ok) {
          subscribe(true) // out of step: start again from a snapshot
          return
        }
        overlay(current.store)
        current.version = message.version
        setVersion(message.version)
      }
    })
    const offOpen = connection.onOpen(() => {
      subscribe()
      queue.flush() // writes cut off by a dropped connection
    })
    setBinds(queue)
    return () => {
      queue.flush()
      offMessage()
      offOpen()
      connection.request({ type: 'unsubscribe', channel }).catch(() => undefined)
    }
  }, [panelId])

  function trigger(tool: string, args: Json[] | JsonObject) {
    const connection = useStudio.getState().connect()
    const logged = (entries: readonly LogEntry[] | undefined) => {
      if (entries && entries.length > 0) setLog((lines) => appendLog(lines, tool, entries))
    }
    connection.request({ type: 'trigger', panelId, tool, args }).then(
      (result) => {
        setNotice(undefined)
        const ack = TriggerAckResultSchema.safeParse(result)
        if (!ack.success) return
        logged(ack.data.logs)
        if (ack.data.view && view.current) {
          const problems = applyViewCommands(view.current, ack.data.view)
          logged(problems.map((message) => ({ level: 'warn', message })))
        }
      },
      (e: ErrorBody) => {
        setNotice(`${e.code}: ${e.message}`)
        const details = TriggerAckResultSchema.pick({ logs: true }).safeParse(e.details)
        if (details.success) logged(details.data.logs)
      },
    )
  }

  if (error) return <p className="error">{error}</p>
  if (!live || !binds) return <p className="muted">Loading panel…</p>
  return (
    <div className="panel-page">
      <article className="panel-card" aria-label={live.ast.title}>
        <header className="panel-card-header">
          <h2>{live.ast.title}</h2>
          <span className="muted" data-testid="panel-version">
            v{version}
          </span>
        </header>
        <div ref={view}>
          <PanelView
            ast={live.ast}
            store={live.store}
            onTrigger={trigger}
            onBind={(path, value) => {
              // At once in this page (the input is controlled), then to the kernel once typing pauses.
              live.store.applyPatch([bindOp(path, value)])
              binds.write(path, value)
            }}
          />
        </div>
        {notice && (
          <p className="error" role="alert">
            {notice}
          </p>
        )}
        <LogDrawer lines={log} onClear={() => setLog([])} />
      </article>
      <HistoryPanel panelId={panelId} version={version} />
    </div>
  )
}
