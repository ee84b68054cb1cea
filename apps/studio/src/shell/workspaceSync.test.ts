import { describe, expect, it } from 'vitest'
import { readPanels } from './workspaceSync.ts'

const panel = (id: string, title: string, deletedAt: number | null = null) => ({
  id,
  title,
  version: 0,
  workspaceId: 'w',
  deletedAt,
  x: 0,
  y: 0,
  w: 4,
  h: 4,
  updatedAt: 1_765_152_000_000,
})

describe('readPanels', () => {
  it('orders by title with numbers by value, leaves out the trash, and reports a panel it cannot read', () => {
    const errors: string[] = []
    const panels = readPanels(
      {
        a: panel('a', 'Load 10'),
        b: panel('b', 'Load 2'),
        c: panel('c', 'alpha'),
        d: panel('d', 'Beta', 1_765_152_000_000),
        e: { id: 'e', title: 7 },
      },
      (message) => errors.push(message),
    )
    expect(panels.map((p) => p.title)).toEqual(['alpha', 'Load 2', 'Load 10'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toContain('panel e')
  })
})
