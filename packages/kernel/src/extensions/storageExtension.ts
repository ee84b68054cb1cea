import { sql } from 'drizzle-orm'
import type { Json } from '@nexus/protocol'
import type { SqlRunner } from '../db/SqlRunner.ts'
import { ExtensionError, type Extension } from './Extension.ts'

const MAX_KEY = 200
const MAX_VALUE_BYTES = 64 * 1024
const MAX_KEYS = 1000

function key(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_KEY) {
    throw new ExtensionError('BAD_ARGUMENT', `A key is a string of 1 to ${MAX_KEY} characters`)
  }
  return raw
}

/** `nexus.storage`: per-panel key/value storage in the kernel's database (SQLite or PostgreSQL). */
export function storageExtension(db: SqlRunner, clock: () => number): Extension {
  return {
    manifest: {
      name: 'nexus.storage',
      version: '1.0.0',
      description: `Per-panel key/value storage (values up to ${MAX_VALUE_BYTES / 1024} KiB, ${MAX_KEYS} keys)`,
      methods: {
        get: { description: 'get(key) → value or null' },
        set: { description: 'set(key, value) → true' },
        delete: { description: 'delete(key) → whether it existed' },
        keys: { description: 'keys(prefix?) → [key]' },
      },
    },
    async health() {
      await db.all(sql`select 1 as ok`)
      return { ok: true }
    },
    async call(method, args, { panelId }) {
      switch (method) {
        case 'get': {
          const [row] = await db.all<{ value: string }>(
            sql`select value from panel_storage where panel_id = ${panelId} and key = ${key(args[0])}`,
          )
          return row ? (JSON.parse(row.value) as Json) : null
        }
        case 'set': {
          const k = key(args[0])
          const value = JSON.stringify(args[1] ?? null)
          if (Buffer.byteLength(value) > MAX_VALUE_BYTES) {
            throw new ExtensionError('VALUE_TOO_LARGE', `Values are limited to ${MAX_VALUE_BYTES} bytes of JSON`)
          }
          const [count] = await db.all<{ n: unknown }>(
            sql`select count(*) as n from panel_storage where panel_id = ${panelId} and key <> ${k}`,
          )
          if (Number(count?.n) >= MAX_KEYS)
            throw new ExtensionError('TOO_MANY_KEYS', `A panel may store ${MAX_KEYS} keys`)
          await db.run(sql`insert into panel_storage (panel_id, key, value, updated_at) values (${panelId}, ${k}, ${value}, ${clock()})
            on conflict (panel_id, key) do update set value = excluded.value, updated_at = excluded.updated_at`)
          return true
        }
        case 'delete':
          return (
            (await db.run(sql`delete from panel_storage where panel_id = ${panelId} and key = ${key(args[0])}`)) === 1
          )
        case 'keys': {
          const prefix = typeof args[0] === 'string' ? args[0] : ''
          const rows = await db.all<{ key: string }>(
            sql`select key from panel_storage where panel_id = ${panelId} order by key`,
          )
          return rows.map((r) => r.key).filter((k) => k.startsWith(prefix))
        }
        default:
          throw new ExtensionError('METHOD_NOT_FOUND', `nexus.storage has no method ${method}`)
      }
    },
  }
}
