/** A path found: entity ids from start to end, and the relationship id taken at each step. */
export interface FoundPath {
  nodes: string[]
  relationships: string[]
}

/** Links of one entity: neighbour slots and the relationship ids leading to them, index by index. */
interface Links {
  to: number[]
  rel: string[]
}

/**
 * The graph's undirected edges over dense integer slots, for breadth-first searches that allocate nothing per
 * visited entity: visits are stamped in typed arrays with a per-search epoch instead of filling fresh maps.
 * `GraphIndex` keeps it in step with every entity and relationship it puts or removes.
 */
export class PathIndex {
  private readonly slots = new Map<string, number>()
  private readonly ids: string[] = []
  private readonly links: Links[] = []
  private readonly free: number[] = []
  private epoch = 0
  /** Per side (0: from the start, 1: from the end), per slot: the epoch it was reached in, its distance, parent. */
  private stamp: [Uint32Array, Uint32Array] = [new Uint32Array(0), new Uint32Array(0)]
  private dist: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)]
  private parent: [Int32Array, Int32Array] = [new Int32Array(0), new Int32Array(0)]
  private readonly parentRel: [string[], string[]] = [[], []]

  addEntity(id: string): void {
    if (this.slots.has(id)) return
    const slot = this.free.pop() ?? this.ids.length
    this.slots.set(id, slot)
    this.ids[slot] = id
    this.links[slot] = { to: [], rel: [] }
  }

  /** Forgets an entity; its relationships must have been removed first. */
  removeEntity(id: string): void {
    const slot = this.slots.get(id)
    if (slot === undefined) return
    this.slots.delete(id)
    this.links[slot] = { to: [], rel: [] }
    this.free.push(slot)
  }

  addRelationship(relId: string, fromId: string, toId: string): void {
    const [a, b] = [this.slots.get(fromId), this.slots.get(toId)]
    if (a === undefined || b === undefined) return
    this.links[a]!.to.push(b)
    this.links[a]!.rel.push(relId)
    this.links[b]!.to.push(a)
    this.links[b]!.rel.push(relId)
  }

  removeRelationship(relId: string, fromId: string, toId: string): void {
    for (const end of [fromId, toId]) {
      const slot = this.slots.get(end)
      if (slot === undefined) continue
      const links = this.links[slot]!
      const at = links.rel.indexOf(relId)
      if (at < 0) continue
      // Swap with the last link: order among links does not matter.
      links.to[at] = links.to.at(-1)!
      links.rel[at] = links.rel.at(-1)!
      links.to.pop()
      links.rel.pop()
    }
  }

  /**
   * A shortest path over undirected edges, or undefined when `from` and `to` are not connected. Bidirectional
   * BFS, always growing the side with fewer links to follow, so a path in a large graph costs about the square
   * root of a one-sided search.
   */
  shortestPath(from: string, to: string): FoundPath | undefined {
    const [start, end] = [this.slots.get(from), this.slots.get(to)]
    if (start === undefined || end === undefined) return undefined
    if (start === end) return { nodes: [from], relationships: [] }
    this.begin()
    this.visit(0, start, 0, -1, '')
    this.visit(1, end, 0, -1, '')
    const frontiers: [number[], number[]] = [[start], [end]]
    while (frontiers[0].length > 0 && frontiers[1].length > 0) {
      const side = this.cost(frontiers[0]) <= this.cost(frontiers[1]) ? 0 : 1
      const other = (1 - side) as 0 | 1
      const next: number[] = []
      // Finish the layer and keep the best meeting point: the first one found need not be the shortest.
      let best = -1
      let bestLength = Infinity
      for (const node of frontiers[side]) {
        const d = this.dist[side][node]! + 1
        const { to, rel } = this.links[node]!
        for (let k = 0; k < to.length; k++) {
          const n = to[k]!
          if (this.stamp[side][n] === this.epoch) continue
          this.visit(side, n, d, node, rel[k]!)
          next.push(n)
          if (this.stamp[other][n] === this.epoch && d + this.dist[other][n]! < bestLength) {
            best = n
            bestLength = d + this.dist[other][n]!
          }
        }
      }
      if (best >= 0) return this.join(best)
      frontiers[side] = next
    }
    return undefined
  }

  /** Links to follow from a frontier (its next layer's work). */
  private cost(frontier: number[]): number {
    let total = 0
    for (const node of frontier) total += this.links[node]!.to.length
    return total
  }

  private begin(): void {
    const size = this.ids.length
    if (this.stamp[0].length < size) {
      const grown = Math.max(size, this.stamp[0].length * 2, 1024)
      this.stamp = [new Uint32Array(grown), new Uint32Array(grown)]
      this.dist = [new Int32Array(grown), new Int32Array(grown)]
      this.parent = [new Int32Array(grown), new Int32Array(grown)]
      this.epoch = 0
    }
    if (++this.epoch === 0xffffffff) {
      this.stamp[0].fill(0)
      this.stamp[1].fill(0)
      this.epoch = 1
    }
  }

  private visit(side: 0 | 1, slot: number, d: number, parent: number, rel: string): void {
    this.stamp[side][slot] = this.epoch
    this.dist[side][slot] = d
    this.parent[side][slot] = parent
    this.parentRel[side][slot] = rel
  }

  /** The path through `meet`: back to the start along side 0's parents, then on to the end along side 1's. */
  private join(meet: number): FoundPath {
    const head: number[] = []
    const headRels: string[] = []
    for (let n = meet; n >= 0; n = this.parent[0][n]!) {
      head.push(n)
      if (this.parent[0][n]! >= 0) headRels.push(this.parentRel[0][n]!)
    }
    const nodes = head.reverse()
    const relationships = headRels.reverse()
    for (let n = meet; this.parent[1][n]! >= 0; n = this.parent[1][n]!) {
      relationships.push(this.parentRel[1][n]!)
      nodes.push(this.parent[1][n]!)
    }
    return { nodes: nodes.map((slot) => this.ids[slot]!), relationships }
  }
}
