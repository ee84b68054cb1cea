import { useState, type FormEvent } from 'react'
import { ApiError, login, register, setup } from '../api.ts'
import { useStudio } from '../store.ts'

type Mode = 'setup' | 'login' | 'register'

const TITLES: Record<Mode, { heading: string; action: string; intro: string }> = {
  setup: {
    heading: 'Set up Nexus',
    action: 'Create owner account',
    intro: 'This server has no accounts yet. The first account owns the workspace and can invite others.',
  },
  login: { heading: 'Log in to Nexus', action: 'Log in', intro: '' },
  register: { heading: 'Create an account', action: 'Create account', intro: 'You get a workspace of your own.' },
}

/** First-run setup, login and registration: one form, three modes. */
export function AuthPage({ initial }: { initial: 'setup' | 'login' }) {
  const [mode, setMode] = useState<Mode>(initial)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const text = TITLES[mode]

  async function submit(event: FormEvent) {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      if (mode === 'login') await login({ email, password })
      else await (mode === 'setup' ? setup : register)({ name, email, password })
      await useStudio.getState().loadSession()
    } catch (e) {
      setError(e instanceof ApiError ? e.body.message : 'Could not reach the server; is Nexus running?')
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card auth" onSubmit={(e) => void submit(e)} aria-labelledby="auth-heading">
      <h2 id="auth-heading">{text.heading}</h2>
      {text.intro && <p className="muted">{text.intro}</p>}
      {mode !== 'login' && (
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required autoComplete="name" />
        </label>
      )}
      <label>
        E-mail
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoComplete="email" />
      </label>
      <label>
        Password
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
          minLength={mode === 'login' ? 1 : 8}
          autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Please wait…' : text.action}
      </button>
      {mode !== 'setup' && (
        <p className="muted">
          {mode === 'login' ? 'No account yet? ' : 'Already have an account? '}
          <button type="button" className="link" onClick={() => setMode(mode === 'login' ? 'register' : 'login')}>
            {mode === 'login' ? 'Create one' : 'Log in'}
          </button>
        </p>
      )}
    </form>
  )
}
