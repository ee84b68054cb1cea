import { useEffect, useState, type FormEvent } from 'react'
import { apiKeys, createApiKey, revokeApiKey, type ApiKeySummary } from '../api.ts'
import { runAction } from './runAction.ts'

/** API keys for scripts: created here (the key is shown once), revoked here. */
export function ApiKeysSection() {
  const [keys, setKeys] = useState<ApiKeySummary[]>([])
  const [name, setName] = useState('')
  const [fresh, setFresh] = useState<string>()
  const [error, setError] = useState<string>()

  const refresh = () =>
    void apiKeys().then(
      (r) => setKeys(r.keys.filter((k) => k.revokedAt === null)),
      (e: Error) => setError(e.message),
    )
  useEffect(refresh, [])

  function create(event: FormEvent) {
    event.preventDefault()
    void runAction(
      async () => {
        const made = await createApiKey(name)
        setFresh(made.key)
        setName('')
      },
      refresh,
      setError,
    )
  }

  return (
    <section className="card" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      {fresh && (
        <p className="fresh-key">
          Copy this key now; it is not shown again: <code>{fresh}</code>
        </p>
      )}
      {keys.length === 0 ? (
        <p className="empty">No keys. Scripts send one as “Authorization: Bearer nxk_…”.</p>
      ) : (
        <ul className="members" aria-label="API keys">
          {keys.map((k) => (
            <li key={k.id}>
              <span>
                {k.name} <span className="muted">{k.lastUsedAt ? 'used' : 'never used'}</span>
              </span>
              <button
                type="button"
                className="link"
                onClick={() => void runAction(() => revokeApiKey(k.id), refresh, setError)}
              >
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="invite" onSubmit={create}>
        <input
          aria-label="Key name"
          placeholder="deploy script"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <button type="submit" className="primary">
          Create key
        </button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
