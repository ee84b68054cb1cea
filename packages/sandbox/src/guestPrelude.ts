import { LOG_DROPPED, MAX_LOG_CHARS, MAX_LOG_RUN_CHARS } from './RunSession.ts'

/** File names the guest code is compiled under; stack traces name them, which is how errors find their line. */
export const PRELUDE_FILE = 'nexus-prelude.js'
export const HANDLER_FILE = 'nexus-handler.js'

/** Lines the handler wrapper adds above the user's code. */
export const WRAPPER_LINES_BEFORE = 1

/**
 * A body that never names `await` or `arguments` behaves identically as a plain function (see `start` in the
 * prelude), which saves the promise job per run; anything else is compiled as an async function.
 */
const NEEDS_ASYNC = /await|arguments/

/** Wraps a handler body as a function; `return` works at its top level, and `await` too (async form). */
export function wrapHandler(code: string): string {
  return `(${handlerSource(code)})`
}

/** The source text of the wrapped function (what `Function.prototype.toString` returns for it). */
export function handlerSource(code: string): string {
  const kind = NEEDS_ASYNC.test(code) ? 'async function' : 'function'
  return `${kind} ($state, $args, $computed, $emit, $log, $view, $ext, $panel) {\n${code}\n}`
}

/**
 * The one string a run's inputs enter the VM as: a JSON array of the seed, the clock, `maxLogs` and the state,
 * then the args and computed JSON texts on a line each (JSON text holds no raw line break).
 */
export function guestInput(
  seed: number,
  now: number,
  maxLogs: number,
  state: string,
  args: string,
  computed: string,
): string {
  return `[${seed},${Object.is(now, -0) ? '-0' : now},${maxLogs},${state}]\n${args}\n${computed}`
}

/**
 * Runs once in every new context. Evaluates to `boot(hostLog, hostEmit, hostView, hostCall)`, which makes the
 * guest deterministic (seeded `Math.random`, fixed `Date.now()` and `new Date()`, both set per run), drops
 * GC-timed globals, hardens the realm (see `lockdown` below) and returns
 * `[start, finish, defer, snapshot, seal, clean]`:
 * - `start(handler, input)` ({@link guestInput}): for an async handler (or a plain one returning a thenable) a
 *   promise for `stateJson + "\n" + returnJson`. A plain handler that returned or threw gives `undefined`, and
 *   the host then calls `finish()` (no job pending: the output, or the error thrown, exactly what the async
 *   form's next job would produce) or `defer()` (jobs pending: the async form's promise, queued at the same
 *   place behind them);
 * - `snapshot()`: the current `$state` as JSON (for flushes);
 * - `seal(fn, source)`: true when `fn` is the compiled wrapper, i.e. its source text is exactly `source` (a
 *   body that closes the wrapper and opens its own function fails this); freezes it for reuse;
 * - `clean()`: true when no run since the last call could have left anything for the next one to see.
 * Everything it uses later is captured up front, so guest code that rewrites built-ins cannot subvert it;
 * whatever it produces is still validated on the host.
 */
export const GUEST_PRELUDE = String.raw`(function boot(hostLog, hostEmit, hostView, hostCall) {
  'use strict'
  const G = globalThis
  const stringify = JSON.stringify, parse = JSON.parse, freeze = Object.freeze, keys = Object.keys
  const defineProperty = Object.defineProperty, imul = Math.imul, apply = Reflect.apply
  const construct = Reflect.construct, then = Promise.prototype.then, toStr = String
  const RealDate = Date, ErrorC = Error, TypeErr = TypeError, InternalErr = InternalError
  const ProxyC = Proxy, create = Object.create, ownKeys = Reflect.ownKeys, getProto = Object.getPrototypeOf
  const describe = Object.getOwnPropertyDescriptor, isExtensible = Object.isExtensible, SetC = Set
  const fnToString = Function.prototype.toString, realEval = G.eval, PromiseC = Promise
  const asyncProto = getProto(async function () {}), resolved = PromiseC.resolve()

  let a = 0, nowValue = 0, dirty = false
  G.Math.random = function random() {
    a = (a + 0x6d2b79f5) | 0
    let t = imul(a ^ (a >>> 15), 1 | a)
    t = (t + imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  function FakeDate(...parts) {
    if (new.target === undefined) return toStr(construct(RealDate, [nowValue]))
    return construct(RealDate, parts.length === 0 ? [nowValue] : parts, new.target)
  }
  FakeDate.prototype = RealDate.prototype
  FakeDate.now = function now() { return nowValue }
  FakeDate.parse = RealDate.parse
  FakeDate.UTC = RealDate.UTC
  defineProperty(RealDate.prototype, 'constructor', { value: FakeDate, writable: true, configurable: true })
  G.Date = FakeDate
  delete G.WeakRef
  delete G.FinalizationRegistry
  // Indirect eval can declare global let/const, which no check below can see: a context that ran eval is
  // never reused. (Every eval through this wrapper is indirect: it sees globals, not the caller's locals.)
  G.eval = { eval(source) { dirty = true; return realEval(source) } }.eval

  function messageOf(e) {
    try { return e instanceof ErrorC ? toStr(e.message) : toStr(e) } catch { return 'unprintable error' }
  }
  function serialise(value, what) {
    try {
      const text = value === undefined ? 'null' : stringify(value)
      return text === undefined ? 'null' : text
    } catch (e) {
      if (e instanceof InternalErr) throw e
      throw new TypeErr(what + ' is not JSON-serialisable: ' + messageOf(e))
    }
  }
  // $log keeps at most maxLogs entries and ${MAX_LOG_RUN_CHARS} characters per run, each cut at
  // ${MAX_LOG_CHARS}, counted here: a flood is neither formatted nor copied to the host, only counted.
  let logsLeft = 0, logCharsLeft = 0
  function format(parts, room) {
    let out = ''
    for (let i = 0; i < parts.length && out.length <= room; i++) {
      const part = parts[i]
      let text
      if (typeof part === 'string') text = part
      else {
        try { text = stringify(part) } catch { text = undefined }
        if (text === undefined) text = toStr(part)
      }
      out += (i === 0 ? '' : ' ') + text
    }
    return out.length > room ? out.slice(0, room - 1) + '\u2026' : out
  }
  function log(level, parts) {
    if (logsLeft <= 0 || logCharsLeft <= 0) return hostLog('${LOG_DROPPED}', '')
    logsLeft--
    const text = format(parts, logCharsLeft < ${MAX_LOG_CHARS} ? logCharsLeft : ${MAX_LOG_CHARS})
    logCharsLeft -= text.length
    hostLog(level, text)
  }
  const $log = function $log(...parts) { log('info', parts) }
  $log.info = $log
  $log.warn = function warn(...parts) { log('warn', parts) }
  $log.error = function error(...parts) { log('error', parts) }
  freeze($log)
  const $emit = freeze(function $emit(name, payload) {
    if (typeof name !== 'string') throw new TypeErr('$emit(name, payload): name must be a string')
    hostEmit(name, serialise(payload, 'the payload of event "' + name + '"'))
  })
  // $view.<cmd>(id, ...args) and $ext.<alias>.<method>(...args): any name, checked by the host.
  const $view = new ProxyC(freeze(create(null)), {
    get(_, cmd) {
      if (typeof cmd !== 'string') return undefined
      return function view(id, ...rest) {
        if (typeof id !== 'string') throw new TypeErr('$view.' + cmd + '(id, ...args): id must be a string')
        hostView(cmd, id, serialise(rest, 'the arguments of $view.' + cmd))
      }
    },
    set() { return false }, defineProperty() { return false }, setPrototypeOf() { return false },
  })
  function call(kind, target, method, args) {
    return apply(then, hostCall(kind, target, method, serialise(args, 'the arguments of a host call')), [parse])
  }
  const $ext = new ProxyC(freeze(create(null)), {
    get(_, alias) {
      if (typeof alias !== 'string') return undefined
      return new ProxyC(freeze(create(null)), {
        get(_, method) {
          if (typeof method !== 'string') return undefined
          return function ext(...args) { return call('ext', alias, method, args) }
        },
        set() { return false }, defineProperty() { return false }, setPrototypeOf() { return false },
      })
    },
    set() { return false }, defineProperty() { return false }, setPrototypeOf() { return false },
  })
  const $panel = freeze({
    call: freeze(function call_(panelId, tool, args) {
      if (typeof panelId !== 'string' || typeof tool !== 'string') {
        throw new TypeErr('$panel.call(panelId, tool, args): panelId and tool must be strings')
      }
      return call('panel', panelId, tool, [args === undefined ? null : args])
    }),
  })
  function deepFreeze(value) {
    if (typeof value !== 'object' || value === null) return value
    const names = keys(value)
    for (let i = 0; i < names.length; i++) deepFreeze(value[names[i]])
    return freeze(value)
  }

  // Lockdown: the context is reused across clean runs, so every object reachable from the globals (and the
  // intrinsics reachable only through syntax) is frozen, and every global binding made read-only. Writable
  // data properties that ordinary code overrides by assignment (the "override mistake") become accessors
  // that define an own property on the instance instead, so obj.toString = f keeps working.
  const OVERRIDE_KEYS = ['constructor', 'toString', 'toLocaleString', 'valueOf', 'name', 'message',
    'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toJSON']
  function isObject(v) { return (typeof v === 'object' && v !== null) || typeof v === 'function' }
  function lockdown() {
    const hidden = [async function () {}, function* () {}, async function* () {}, (function* () {})(),
      (async function* () {})(), [][Symbol.iterator](), new Map().entries(), new Set().values(),
      ''[Symbol.iterator](), /a/g[Symbol.matchAll](''), Int8Array]
    try { hidden.push([].values().map((x) => x), G.Iterator.from({ next() { return { done: true } } })) } catch {}
    const seen = new SetC([G])
    const todo = hidden.map(getProto)
    for (const k of ownKeys(G)) { const d = describe(G, k); todo.push(d.value, d.get, d.set) }
    while (todo.length > 0) {
      const o = todo.pop()
      if (!isObject(o) || seen.has(o)) continue
      seen.add(o)
      todo.push(getProto(o))
      for (const k of ownKeys(o)) { const d = describe(o, k); todo.push(d.value, d.get, d.set) }
    }
    seen.delete(G)
    for (const o of seen) {
      for (const k of OVERRIDE_KEYS) {
        const d = describe(o, k)
        if (d !== undefined && d.writable && d.configurable) overridable(o, k, d.value, d.enumerable)
      }
      freeze(o)
    }
    for (const k of ownKeys(G)) {
      const d = describe(G, k)
      defineProperty(G, k, 'value' in d ? { writable: false, configurable: false } : { configurable: false })
    }
  }
  function overridable(proto, key, value, enumerable) {
    defineProperty(proto, key, {
      get() { return value },
      set(next) {
        if (this === proto) throw new TypeErr('Cannot assign to read only property ' + toStr(key))
        if (isObject(this)) defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true })
      },
      enumerable,
      configurable: false,
    })
  }
  lockdown()
  const globalCount = ownKeys(G).length, globalProto = getProto(G)

  // $args and $computed repeat from run to run: the last one's deep-frozen value is reused for the same text
  // (frozen, and nothing survives a clean run that could have kept a reference to it).
  function frozenCache() {
    let text, value
    return { of(json) {
      if (json !== text) { value = deepFreeze(parse(json)); text = json }
      return value
    } }
  }
  const frozenArgs = frozenCache(), frozenComputed = frozenCache()
  let state, result, rejected = false
  function output(returned) {
    return serialise(state, '$state') + '\n' + serialise(returned, 'the return value')
  }
  function start(handler, input) {
    // Direct calls: input is a host string, and String.prototype is frozen by now (Reflect.apply cost ~2 µs).
    const first = input.indexOf('\n'), second = input.indexOf('\n', first + 1)
    const parts = parse(input.slice(0, first))
    a = parts[0] | 0
    nowValue = parts[1]
    logsLeft = parts[2]
    logCharsLeft = ${MAX_LOG_RUN_CHARS}
    state = parts[3]
    const args = frozenArgs.of(input.slice(first + 1, second))
    const computed = frozenComputed.of(input.slice(second + 1))
    if (getProto(handler) === asyncProto) {
      return apply(then, handler(state, args, computed, $emit, $log, $view, $ext, $panel), [output])
    }
    // A plain handler: what the async form does when its body ends, step for step (returning a thenable
    // reads its then once and queues the job that adopts it; anything else settles the promise at once).
    rejected = false
    try {
      result = handler(state, args, computed, $emit, $log, $view, $ext, $panel)
      if (isObject(result)) {
        const thenFn = result.then
        if (typeof thenFn === 'function') return apply(then, adopt(result, thenFn), [output])
      }
    } catch (e) {
      rejected = true
      result = e
    }
    return undefined
  }
  function adopt(thenable, thenFn) {
    let resolve, reject
    const promise = new PromiseC((res, rej) => { resolve = res; reject = rej })
    apply(then, resolved, [function adoptThenable() {
      try { apply(thenFn, thenable, [resolve, reject]) } catch (e) { reject(e) }
    }])
    return promise
  }
  function finish() {
    const value = result
    result = undefined
    if (rejected) throw value
    return output(value)
  }
  function defer() {
    const value = result
    result = undefined
    if (rejected) return apply(then, resolved, [function rethrow() { throw value }])
    return apply(then, resolved, [function settle() { return output(value) }])
  }
  function snapshot() { return serialise(state, '$state') }
  function seal(fn, source) {
    if (typeof fn !== 'function' || apply(fnToString, fn, []) !== source) { dirty = true; return false }
    freeze(fn)
    return true
  }
  function clean() {
    state = undefined
    const ok = !dirty && ownKeys(G).length === globalCount && getProto(G) === globalProto && isExtensible(G)
    dirty = false
    return ok ? 1 : 0
  }
  return [start, finish, defer, snapshot, seal, clean]
})`
