// IPC between the kernel bench and its client workers (advanced serialisation: typed arrays pass as is).

/** Which server a group of sockets is connected to. */
export type Target = 'kernel' | 'floor'

export type ToClients =
  | { type: 'clock' }
  | { type: 'connect'; target: Target; url: string; headers: Record<string, string>; channel: string; count: number }
  /** From now on report `done` for versions from `from` on. */
  | { type: 'expect'; target: Target; from: number }
  | { type: 'collect'; target: Target; from: number; to: number }
  | { type: 'close' }

export type FromClients =
  | { type: 'clock'; t: number }
  | { type: 'connected'; target: Target; version: number }
  | { type: 'expecting'; target: Target }
  /** Every socket of the group has every version up to `upTo`. */
  | { type: 'done'; target: Target; upTo: number }
  | { type: 'times'; target: Target; rows: Float64Array[] }
