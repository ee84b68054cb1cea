import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useStudio } from '../store.ts'
import { useCommands, type Command } from './commands.ts'
import { Dialog } from './Dialog.tsx'
import { fuzzyFilter } from './fuzzy.ts'
import { Keys } from './Keys.tsx'
import { useUi } from './uiStore.ts'

/** One row of the palette: a panel to open or a registered command. */
interface Item {
  id: string
  title: string
  group: string
  keywords: string
  shortcut?: string[]
  disabled?: string
  run(): void
}

function itemsOf(commands: readonly Command[], panels: { id: string; title: string }[]): Item[] {
  const navigate = useStudio.getState().navigate
  const panelItems: Item[] = panels.map((p) => ({
    id: `panel:${p.id}`,
    title: p.title,
    group: 'Panels',
    keywords: 'open panel',
    run: () => navigate({ page: 'panel', panelId: p.id }),
  }))
  const commandItems = commands.map((c) => ({ ...c, keywords: c.keywords ?? '' }))
  return [...panelItems, ...commandItems]
}

/** Title matches first (best first), then items only their group or keywords match ("dark" → the theme). */
function search(items: Item[], query: string): { item: Item; positions: number[] }[] {
  const byTitle = fuzzyFilter(items, query, (i) => i.title)
  const seen = new Set(byTitle.map((r) => r.item))
  const rest = items.filter((i) => !seen.has(i))
  const byWords = query.trim() ? fuzzyFilter(rest, query, (i) => `${i.group} ${i.keywords}`) : []
  return [
    ...byTitle.map((r) => ({ item: r.item, positions: r.match.positions })),
    ...byWords.map((r) => ({ item: r.item, positions: [] })),
  ]
}

/** The matched letters of `text` in <mark>. */
function Highlighted({ text, positions }: { text: string; positions: number[] }): ReactNode {
  if (positions.length === 0) return text
  const marked = new Set(positions)
  const parts: ReactNode[] = []
  let run = ''
  let inMark = false
  const flush = (key: number) => {
    if (!run) return
    parts.push(inMark ? <mark key={key}>{run}</mark> : run)
    run = ''
  }
  for (let i = 0; i < text.length; i++) {
    if (marked.has(i) !== inMark) {
      flush(i)
      inMark = !inMark
    }
    run += text[i]
  }
  flush(text.length)
  return parts
}

/**
 * Ctrl/⌘+K: fuzzy search over the workspace's panels and the registered commands (`commands.ts`); ↑/↓ move,
 * Enter runs, Esc closes and gives focus back.
 */
export function CommandPalette() {
  const close = useUi((s) => s.closeDialog)
  const commands = useCommands()
  const panels = useStudio((s) => s.panels)
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const results = useMemo(() => search(itemsOf(commands, panels), query), [commands, panels, query])
  const current = Math.min(active, results.length - 1)
  const list = useRef<HTMLUListElement>(null)
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [current, results])

  function run(item: Item | undefined) {
    if (!item || item.disabled) return
    close()
    item.run()
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault()
      const step = event.key === 'ArrowDown' ? 1 : -1
      setActive((current + step + results.length) % Math.max(results.length, 1))
    } else if (event.key === 'Enter') {
      event.preventDefault()
      run(results[current]?.item)
    }
  }

  const optionId = (i: number) => `palette-option-${i}`
  return (
    <Dialog label="Command palette" onClose={close} className="palette">
      <div className="palette-box">
        <input
          className="palette-input"
          role="combobox"
          aria-label="Search panels and commands"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={results.length > 0 ? optionId(current) : undefined}
          aria-autocomplete="list"
          placeholder="Search panels and commands…"
          autoFocus
          value={query}
          onChange={(e) => {
            setQuery(e.target.value)
            setActive(0)
          }}
          onKeyDown={onKeyDown}
        />
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Results" ref={list}>
          {results.map(({ item, positions }, i) => (
            <li
              key={item.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              aria-disabled={item.disabled ? true : undefined}
              className={`palette-option${i === current ? ' is-active' : ''}`}
              onMouseMove={() => i !== current && setActive(i)}
              onClick={() => run(item)}
            >
              <span className="palette-title">
                <Highlighted text={item.title} positions={positions} />
              </span>
              {item.disabled && <span className="palette-why">{item.disabled}</span>}
              {item.shortcut && <Keys keys={item.shortcut} />}
              <span className="palette-group">{item.group}</span>
            </li>
          ))}
        </ul>
        {results.length === 0 && <p className="palette-empty">Nothing matches “{query}”.</p>}
        <p className="palette-hint muted">
          <Keys keys={['↑', '↓']} /> move · <Keys keys={['Enter']} /> open · <Keys keys={['Esc']} /> close
        </p>
      </div>
    </Dialog>
  )
}
