import type { ReactNode } from 'react'

/** A friendly empty view: what is missing and the one action that fills it. */
export function EmptyState({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <section className="empty-state" aria-labelledby="empty-state-title">
      <span className="empty-state-art" aria-hidden="true" />
      <h2 id="empty-state-title">{title}</h2>
      <p className="muted">{children}</p>
      {action}
    </section>
  )
}
