import type { Json, NogEntity, NogGraph } from '@nexus/protocol'
import { useStudio } from '../store.ts'
import { entityKind, lookOf, panelOf } from './categories.ts'
import { relationsOf } from './filterGraph.ts'
import { useGraph } from './graphStore.ts'

function show(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** The selected entity: what it is, its tags and properties, its relationships, and "Open panel". */
export function GraphDetails({ entity, graph }: { entity: NogEntity; graph: NogGraph }) {
  const select = useGraph((s) => s.select)
  const navigate = useStudio((s) => s.navigate)
  const look = lookOf(entity)
  const panelId = panelOf(entity)
  const byId = new Map(graph.entities.map((e) => [e.id, e]))
  const { outgoing, incoming } = relationsOf(entity.id, graph.relationships)
  const properties = Object.entries(entity.properties).filter(([key]) => key !== 'kind')
  const relation = (label: string, otherId: string, key: string) => (
    <li key={key}>
      <span className="muted">{label}</span>{' '}
      <button type="button" className="graph-link" onClick={() => select(otherId)}>
        {byId.get(otherId)?.name ?? otherId}
      </button>
    </li>
  )
  return (
    <aside className="graph-details" aria-label="Entity details">
      <div className="graph-details__head">
        <span className={`graph-details__icon graph-node--${entity.category}`} aria-hidden="true">
          {look.icon}
        </span>
        <h2>{entity.name}</h2>
        <button
          type="button"
          className="graph-details__close"
          aria-label="Close details"
          onClick={() => select(undefined)}
        >
          ×
        </button>
      </div>
      <dl className="graph-details__facts">
        <dt>Category</dt>
        <dd>
          {entity.category}
          {entityKind(entity) ? ` (${look.label.toLowerCase()})` : ''}
        </dd>
        <dt>Status</dt>
        <dd>{entity.status}</dd>
        <dt>Made by</dt>
        <dd>{entity.source === 'derived' ? 'its panel (NXML)' : entity.source}</dd>
        {entity.description && (
          <>
            <dt>Description</dt>
            <dd>{entity.description}</dd>
          </>
        )}
        <dt>Tags</dt>
        <dd>
          {entity.tags.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="graph-tags" aria-label="Tags">
              {entity.tags.map((t) => (
                <li key={t}>#{t}</li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {properties.length > 0 && (
        <>
          <h3>Properties</h3>
          <dl className="graph-details__props" aria-label="Properties">
            {properties.map(([key, value]) => (
              <div key={key}>
                <dt>{key}</dt>
                <dd>
                  <code>{show(value)}</code>
                </dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {outgoing.length + incoming.length > 0 && (
        <>
          <h3>Relationships</h3>
          <ul className="graph-details__rels" aria-label="Relationships">
            {outgoing.map((r) => relation(`${r.type.replace('_', ' ')} →`, r.toId, r.id))}
            {incoming.map((r) => relation(`← ${r.type.replace('_', ' ')}`, r.fromId, r.id))}
          </ul>
        </>
      )}
      {panelId && (
        <button
          type="button"
          className="graph-button graph-button--primary"
          onClick={() => navigate({ page: 'panel', panelId })}
        >
          Open panel
        </button>
      )}
    </aside>
  )
}
