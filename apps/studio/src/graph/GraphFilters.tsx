import { ENTITY_CATEGORIES, type NogEntity } from '@nexus/protocol'
import { CATEGORY_LOOKS } from './categories.ts'
import { allTags, countByCategory } from './filterGraph.ts'
import { useGraph } from './graphStore.ts'

/** Search by name, category chips (on/off), tag chips (any of those picked), and a reset. */
export function GraphFilters({ entities, shown }: { entities: readonly NogEntity[]; shown: number }) {
  const { filter, toggleCategory, toggleTag, setQuery, clearFilter } = useGraph()
  const counts = countByCategory(entities)
  const tags = allTags(entities)
  const filtered = filter.hiddenCategories.size > 0 || filter.tags.size > 0 || filter.query.trim() !== ''
  return (
    <div className="graph-filters" role="search" aria-label="Graph filters">
      <input
        type="search"
        className="graph-search"
        aria-label="Search entities by name"
        placeholder="Search by name…"
        value={filter.query}
        onChange={(e) => setQuery(e.target.value)}
      />
      <div className="graph-chips" role="group" aria-label="Categories">
        {ENTITY_CATEGORIES.filter((c) => counts.has(c)).map((category) => (
          <button
            key={category}
            type="button"
            className={`graph-chip graph-chip--${category}`}
            aria-pressed={!filter.hiddenCategories.has(category)}
            onClick={() => toggleCategory(category)}
          >
            <span aria-hidden="true">{CATEGORY_LOOKS[category].icon}</span> {CATEGORY_LOOKS[category].label}
            <span className="graph-chip__count">{counts.get(category)}</span>
          </button>
        ))}
      </div>
      {tags.length > 0 && (
        <div className="graph-chips" role="group" aria-label="Tags">
          {tags.map((tag) => (
            <button
              key={tag}
              type="button"
              className="graph-chip graph-chip--tag"
              aria-pressed={filter.tags.has(tag)}
              onClick={() => toggleTag(tag)}
            >
              #{tag}
            </button>
          ))}
        </div>
      )}
      <span className="graph-count" role="status">
        {shown === entities.length ? `${shown} entities` : `${shown} of ${entities.length} entities`}
      </span>
      {filtered && (
        <button type="button" className="graph-link" onClick={clearFilter}>
          Clear filters
        </button>
      )}
    </div>
  )
}
