import type { Diagnostic } from '@nexus/protocol'

/** The diagnostics under the editor as `line:column code message`, for reading them all at once. */
export function DiagnosticList({ diagnostics }: { diagnostics: readonly Diagnostic[] }) {
  return (
    <ul className="diagnostics" aria-label="Diagnostics">
      {diagnostics.map((d, i) => (
        <li key={i} className={`diagnostic ${d.severity}`}>
          <span className="where">
            {d.line}:{d.column}
          </span>{' '}
          <span className="code">{d.code}</span> {d.message}
          {d.suggestion && !d.message.includes(d.suggestion) ? <span className="muted"> ({d.suggestion})</span> : null}
        </li>
      ))}
    </ul>
  )
}
