/** A named, versioned value cell. The version bumps on every write, so readers can tell "changed" cheaply. */
export class Signal<T> {
  private current: T
  private v = 0

  constructor(
    readonly name: string,
    initial: T,
  ) {
    this.current = initial
  }

  get value(): T {
    return this.current
  }

  get version(): number {
    return this.v
  }

  set(value: T): void {
    this.current = value
    this.v++
  }
}
