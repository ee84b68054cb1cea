import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { ExtensionError } from './Extension.ts'
import { runStatement, type StatementReply, type StatementRequest } from './sqliteStatement.ts'

// The process that holds one SQLite source (started by SqliteHost): argv is the path, `ro` or `rw`, and
// the source's name. SQLite runs each statement to its end and cannot be interrupted from JavaScript, so
// it runs here, where the kernel can kill it, and not on the kernel's event loop.
const [path = '', mode, name = ''] = process.argv.slice(2)
const send = (message: StatementReply | { ready: true } | { fatal: string }) => process.send?.(message)
process.on('disconnect', () => process.exit(0))
// A process busy in a statement never hears 'disconnect': should the kernel die meanwhile, this thread
// (which SQLite does not block) sees the new parent and ends the process rather than leave it running.
const parent = process.ppid
new Worker(`setInterval(() => { if (process.ppid !== ${parent}) process.kill(${process.pid}, 'SIGKILL') }, 1000)`, {
  eval: true,
  execArgv: [],
}).unref()

try {
  const readonly = mode === 'ro'
  const db = new Database(path, { fileMustExist: true, readonly })
  db.pragma('trusted_schema = OFF')
  if (readonly) db.pragma('query_only = ON')
  process.on('message', (request: StatementRequest) => {
    try {
      send({ id: request.id, ok: true, ...runStatement(db, { name, readonly }, request) })
    } catch (error) {
      const code = error instanceof ExtensionError ? error.code : 'QUERY_FAILED'
      send({ id: request.id, ok: false, code, message: (error as Error).message })
    }
  })
  send({ ready: true })
} catch (error) {
  send({ fatal: (error as Error).message })
  process.disconnect()
}
