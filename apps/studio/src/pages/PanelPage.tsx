import { useEffect, useState } from 'react'
import type { ErrorBody, Json, JsonObject, PanelAst } from '@nexus/protocol'
import { PanelView, createStore, parseNxml, type Store } from '@nexus/reactor'
import { HistoryPanel } from '../components/HistoryPanel.tsx'
import { useStudio } from '../store.ts'

interface Live {
  ast: PanelAst
  store: Store
  version: number
}

/** One live panel: snapshot, then patches, over the shared connection; resumes after a reconnect. */
export function PanelPage({ panelId }: { panelId: string }) {
  const [live, setLive] = useState<Live>()
  const [version, setVersion] = useState<number>()
  const [error, setError] = useState<string>()
  const [notice, setNotice] = useState<string>()

  useEffect(() => {
    const connection = useStudio.getState().connect()
    const channel = `panel:${panelId}`
    let current: Live | undefined
    const subscribe = (fresh = false) => {
      const message: JsonObject & { type: string } = { type: 'subscribe', channel }
      if (!fresh && current) message.since = current.version
      connection.request(message).catch((e: ErrorBody) => setError(e.message))
    }
    const offMessage = connection.onMessage((message) => {
      if (message.type === 'snapshot' && message.channel === channel && message.panel) {
        const { ast, diagnostics } = parseNxml(message.panel.nxml)
        if (!ast) {
          setError(`This panel's NXML does not parse: ${diagnostics[0]?.message ?? 'unknown error'}`)
          return
        }
        current = { ast, store: createStore(message.panel.state, ast.computeds), version: message.version }
        setLive(current)
        setVersion(current.version)
        setError(undefined)
      } else if (message.type === 'patch' && message.channel === channel && current) {
        if (message.version <= current.version) return
        if (message.version !== current.version + 1 || !current.store.applyPatch(message.ops).ok) {
          subscribe(true) // out of step: start again from a snapshot
          return
        }
        current.version = message.version
        setVersion(message.version)
      }
    })
    const offOpen = connection.onOpen(() => subscribe())
    return () => {
      offMessage()
      offOpen()
      connection.request({ type: 'unsubscribe', channel }).catch(() => undefined)
    }
  }, [panelId])

  function trigger(tool: string, args: Json[] | JsonObject) {
    const connection = useStudio.getState().connect()
    connection.request({ type: 'trigger', panelId, tool, args }).then(
      () => setNotice(undefined),
      (e: ErrorBody) => setNotice(`${e.code}: ${e.message}`),
    )
  }

  if (error) return <p className="error">{error}</p>
  if (!live) return <p className="muted">Loading panel…</p>
  return (
    <div className="panel-page">
      <article className="panel-card" aria-label={live.ast.title}>
        <header className="panel-card-header">
          <h2>{live.ast.title}</h2>
          <span className="muted" data-testid="panel-version">
            v{version}
          </span>
        </header>
        <PanelView ast={live.ast} store={live.store} onTrigger={trigger} />
        {notice && (
          <p className="error" role="alert">
            {notice}
          </p>
        )}
      </article>
      <HistoryPanel panelId={panelId} version={version} />
    </div>
  )
}
