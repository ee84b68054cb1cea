import { describe, expect, it } from 'vitest'
import { listCommands, registerCommands, runCommand } from './commands.ts'

describe('the command registry', () => {
  it('lists what is registered until it is unregistered', () => {
    const ran: string[] = []
    const off = registerCommands([
      { id: 'a', title: 'A', group: 'G', run: () => ran.push('a') },
      { id: 'b', title: 'B', group: 'G', disabled: 'not yet', run: () => ran.push('b') },
    ])
    expect(listCommands().map((c) => c.id)).toEqual(['a', 'b'])
    expect(runCommand('a')).toBe(true)
    expect(runCommand('b')).toBe(false) // disabled
    expect(runCommand('missing')).toBe(false)
    expect(ran).toEqual(['a'])
    off()
    expect(listCommands()).toEqual([])
  })

  it('lets a feature override a command by id, and gives the earlier one back when it leaves', () => {
    const ran: string[] = []
    const offShell = registerCommands([
      { id: 'panel.new', title: 'New panel', group: 'Panels', run: () => ran.push('shell') },
    ])
    const offCanvas = registerCommands([
      { id: 'panel.new', title: 'New panel on the canvas', group: 'Canvas', run: () => ran.push('canvas') },
    ])
    expect(listCommands().map((c) => c.title)).toEqual(['New panel on the canvas'])
    runCommand('panel.new')
    offCanvas()
    expect(listCommands().map((c) => c.title)).toEqual(['New panel'])
    runCommand('panel.new')
    expect(ran).toEqual(['canvas', 'shell'])
    offShell()
  })
})
