// A tiny WebAssembly binary writer for hand-assembled WASI test modules (no wasm32-wasi compiler here).
// Every module imports wasi_snapshot_preview1.fd_read (func 0), fd_write (func 1) and env.memory, exports
// that memory as "memory" and its one body as "_start".

/** Opcodes used by the test modules. */
export const op = {
  unreachable: 0x00,
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: 0x0b,
  br: (depth: number) => [0x0c, depth],
  brIf: (depth: number) => [0x0d, depth],
  call: (func: number) => [0x10, func],
  drop: 0x1a,
  i32Load: [0x28, 0x02, 0x00],
  i32Store: [0x36, 0x02, 0x00],
  memoryGrow: [0x40, 0x00],
  i32Const: (n: number) => [0x41, ...sleb(n)],
  i32Eqz: 0x45,
  i32Ne: 0x47,
} as const

export const FD_READ = 0
export const FD_WRITE = 1

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let byte = n & 0x7f
    n >>>= 7
    if (n !== 0) byte |= 0x80
    out.push(byte)
  } while (n !== 0)
  return out
}

function sleb(n: number): number[] {
  const out: number[] = []
  for (;;) {
    const byte = n & 0x7f
    n >>= 7
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte]
    out.push(byte | 0x80)
  }
}

const name = (s: string): number[] => [...uleb(s.length), ...new TextEncoder().encode(s)]
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()]
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body]

/** A WASI command module whose `_start` runs `body` (flat instruction bytes); `data` is placed at offset 64. */
export function wasiModule(body: Array<number | readonly number[]>, data = ''): Uint8Array {
  const code = body.flatMap((b) => (typeof b === 'number' ? [b] : [...b]))
  const i32 = 0x7f
  const types = section(
    1,
    vec([
      [0x60, 4, i32, i32, i32, i32, 1, i32],
      [0x60, 0, 0],
    ]),
  )
  const wasi = 'wasi_snapshot_preview1'
  const imports = section(
    2,
    vec([
      [...name(wasi), ...name('fd_read'), 0x00, 0],
      [...name(wasi), ...name('fd_write'), 0x00, 0],
      [...name('env'), ...name('memory'), 0x02, 0x00, 1],
    ]),
  )
  const funcs = section(3, vec([[1]]))
  const exports = section(
    7,
    vec([
      [...name('_start'), 0x00, 2],
      [...name('memory'), 0x02, 0],
    ]),
  )
  const fn = [0, ...code, op.end]
  const codeSection = section(10, vec([[...uleb(fn.length), ...fn]]))
  const bytes = new TextEncoder().encode(data)
  const dataSection = data
    ? section(11, vec([[0x00, ...op.i32Const(64), op.end, ...uleb(bytes.length), ...bytes]]))
    : []
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]
  return new Uint8Array([...header, ...types, ...imports, ...funcs, ...exports, ...codeSection, ...dataSection])
}

const store = (addr: number, value: number[]): number[] => [...op.i32Const(addr), ...value, ...op.i32Store]

/** Copies stdin to stdout (iovec at 0 → buffer at 64; nread at 8; out iovec at 16; nwritten at 24). */
export const ECHO = wasiModule([
  store(0, op.i32Const(64)),
  store(16, op.i32Const(64)),
  op.block,
  op.loop,
  store(4, op.i32Const(60_000)),
  ...[op.i32Const(0), op.i32Const(0), op.i32Const(1), op.i32Const(8), op.call(FD_READ), [op.drop]],
  ...[op.i32Const(8), op.i32Load, [op.i32Eqz], op.brIf(1)],
  store(20, [...op.i32Const(8), ...op.i32Load]),
  ...[op.i32Const(1), op.i32Const(16), op.i32Const(1), op.i32Const(24), op.call(FD_WRITE), [op.drop]],
  op.br(0),
  op.end,
  op.end,
])

/** Writes `text` to fd (1 = stdout, 2 = stderr) and returns. */
export function writes(text: string, fd = 1): Uint8Array {
  const length = new TextEncoder().encode(text).length
  return wasiModule(
    [
      store(0, op.i32Const(64)),
      store(4, op.i32Const(length)),
      ...[op.i32Const(fd), op.i32Const(0), op.i32Const(1), op.i32Const(24), op.call(FD_WRITE), [op.drop]],
    ],
    text,
  )
}

/** Never returns. */
export const LOOP = wasiModule([op.loop, op.br(0), op.end])

/** Grows its memory one page at a time until growing fails, then traps. */
export const GROW = wasiModule([
  op.loop,
  ...[op.i32Const(1), op.memoryGrow, op.i32Const(-1), [op.i32Ne], op.brIf(0)],
  op.end,
  [op.unreachable],
])
