/**
 * Listeners and change counters per state path (a trie over path segments), so a write to
 * `/items/5/done` wakes the readers of `items`, `items/5`, `items/5/done` and below, and nobody else.
 * A path's stamp is the writes at its strict ancestors (`exact`) plus the writes at or below it (`below`):
 * both only grow, so any write that can change a path's value changes its stamp.
 */
export class PathIndex<L> {
  private readonly root = new PathNode<L>()

  /** The node for `segments`, created (with its ancestors) when missing. */
  node(segments: readonly string[]): PathNode<L> {
    let node = this.root
    for (const s of segments) {
      let next = node.children.get(s)
      if (!next) node.children.set(s, (next = new PathNode<L>()))
      node = next
    }
    return node
  }

  stamp(segments: readonly string[]): number {
    let sum = this.root.exact
    let node = this.root
    for (const s of segments) {
      let next = node.children.get(s)
      if (!next) node.children.set(s, (next = new PathNode<L>()))
      node = next
      sum += node.exact
    }
    return sum - node.exact + node.below
  }

  /** Records a write at `segments` and adds to `due` every listener whose value it can change. */
  write(segments: readonly string[], due: Set<L>): void {
    let node: PathNode<L> | undefined = this.root
    node.below++
    for (const l of node.listeners) due.add(l)
    for (const s of segments) {
      node = node.children.get(s)
      if (!node) return
      node.below++
      for (const l of node.listeners) due.add(l)
    }
    node.exact++
    for (const child of node.children.values()) collect(child, due)
  }
}

export class PathNode<L> {
  readonly children = new Map<string, PathNode<L>>()
  readonly listeners = new Set<L>()
  exact = 0
  below = 0
}

function collect<L>(node: PathNode<L>, due: Set<L>): void {
  for (const l of node.listeners) due.add(l)
  for (const child of node.children.values()) collect(child, due)
}
