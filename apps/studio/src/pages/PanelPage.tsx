import { useRef, useState } from 'react'
import { TriggerAckResultSchema, type ErrorBody, type Json, type JsonObject, type LogEntry } from '@nexus/protocol'
import { PanelView } from '@nexus/reactor'
import { EditNxmlBox } from '../editor/EditNxmlBox.tsx'
import { LazyTimeTravel } from '../timeline/LazyTimeTravel.tsx'
import { LogDrawer, appendLog, type LogLine } from '../components/LogDrawer.tsx'
import { applyViewCommands } from '../components/viewCommands.ts'
import { useStudio } from '../store.ts'
import { bindOp } from '../sync/BindQueue.ts'
import { usePanelSync } from '../sync/usePanelSync.ts'

/**
 * One live panel, kept in step by `usePanelSync` (snapshot, patches, bind queue, reconnect resume). A
 * trigger's `$log` lines go to the log drawer and its `$view` commands are applied to this page's view.
 * Beside it, time travel (its own chunk): the timeline, and the panel as it was at a past moment.
 */
export function PanelPage({ panelId }: { panelId: string }) {
  const { live, version, error, notice, setNotice, binds } = usePanelSync(panelId)
  const [log, setLog] = useState<LogLine[]>([])
  // A failed trigger changes no version but adds a failure to the timeline.
  const [failures, setFailures] = useState(0)
  const view = useRef<HTMLDivElement>(null)

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
        setFailures((n) => n + 1)
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
        <EditNxmlBox panelId={panelId} />
      </article>
      <LazyTimeTravel panelId={panelId} ast={live.ast} revision={`${version ?? 0}:${failures}`} />
    </div>
  )
}
