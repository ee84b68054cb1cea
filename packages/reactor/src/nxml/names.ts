import { COMPONENT_SPECS } from './componentSpecs.ts'

/**
 * The element and attribute names NXML defines, recognised while a name is scanned, so the scanner hands out
 * the engine's own string for a known name instead of a fresh slice of the source. A fresh string used as a
 * property key is hashed and looked up in the engine's string table on first use (~30 ns); lowering stores
 * every view attribute by name, so that lookup was the largest single cost of lowering.
 *
 * Recognition is a DFA over ASCII that replaces the scanner's "is this a name character" test: one table
 * load per character either way. State 0: the character ends the name. State 1: the name read so far is
 * none NXML defines (name characters keep it there). Every other state is a prefix of a known name.
 */
const STRUCTURE = [
  'NexusPanel',
  'Data',
  'Logic',
  'View',
  'State',
  'Computed',
  'Tool',
  'Arg',
  'Capabilities',
  'Capability',
  'Handler',
  'Extension',
  'Lifecycle',
  'title',
  'version',
  'name',
  'type',
  'default',
  'value',
  'description',
  'required',
  'scope',
  'alias',
  'on',
]

const STOP = 0
const UNKNOWN = 1
/** The state before the first character of a name. */
export const NAME_START_STATE = 2

/** Name characters: letters, digits, `_`, `:`, `.`, `-` (a name starts with a letter or `_`, checked by the scanner). */
function isNameCharacter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 58) || c === 95 || c === 46 || c === 45
}

const names: string[] = []
const rows: number[][] = []
const accepts: number[] = []

function newState(): number {
  const row = new Array<number>(128)
  for (let c = 0; c < 128; c++) row[c] = isNameCharacter(c) ? UNKNOWN : STOP
  rows.push(row)
  accepts.push(-1)
  return rows.length - 1
}

newState() // STOP: never entered, its row is unused
newState() // UNKNOWN
newState() // the start state

function add(name: string): void {
  let state = NAME_START_STATE
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    const next = rows[state]![c]!
    state = next > UNKNOWN ? next : (rows[state]![c] = newState())
  }
  if (accepts[state] === -1) {
    accepts[state] = names.length
    names.push(name)
  }
}

for (const name of STRUCTURE) add(name)
for (const [type, spec] of Object.entries(COMPONENT_SPECS)) {
  add(type)
  for (const attribute of spec.attributes) add(attribute.name)
}

/** `NAME_NEXT[(state << 7) | c]`: the state after ASCII character `c`. */
export const NAME_NEXT = new Uint16Array(rows.length << 7)
rows.forEach((row, state) => NAME_NEXT.set(row, state << 7))
const ACCEPT = Int16Array.from(accepts)

/**
 * The known name the scan ended in `state` on, or undefined (the caller slices the source).
 * @example knownName(NAME_START_STATE) // undefined: the empty name is none
 */
export function knownName(state: number): string | undefined {
  const index = ACCEPT[state]!
  return index < 0 ? undefined : names[index]
}
