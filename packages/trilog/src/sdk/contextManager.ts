import { AsyncLocalStorage } from 'node:async_hooks'
import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api'

/**
 * OTel context carried across `await`, timers and callbacks by `AsyncLocalStorage` — what
 * `@opentelemetry/context-async-hooks` does, in a few lines so TriLog needs no extra package.
 */
export class AsyncLocalStorageContextManager implements ContextManager {
  private storage = new AsyncLocalStorage<Context>()

  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.storage.run(context, () => fn.apply(thisArg, args))
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target
    const fn = target as unknown as (...args: unknown[]) => unknown
    const run = (self: unknown, args: unknown[]) => this.with(context, () => fn.apply(self, args))
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args)
    } as unknown as T
  }

  enable(): this {
    return this
  }

  disable(): this {
    this.storage.disable()
    this.storage = new AsyncLocalStorage<Context>()
    return this
  }
}
