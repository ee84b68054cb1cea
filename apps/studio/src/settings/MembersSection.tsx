import { useEffect, useState, type FormEvent } from 'react'
import { ROLE_NAMES, type Role } from '@nexus/protocol'
import {
  cancelInvitation,
  invite,
  members as loadMembers,
  removeMember,
  setRole,
  type Invitation,
  type Member,
} from '../api.ts'
import { useStudio } from '../store.ts'
import { runAction } from './runAction.ts'

/**
 * Who is in the workspace; owners invite by e-mail (someone without an account yet gets a pending invitation
 * that applies when they register), change roles, remove members and withdraw invitations.
 */
export function MembersSection() {
  const workspace = useStudio((s) => s.workspaces.find((w) => w.id === s.workspaceId))
  const me = useStudio((s) => s.user)
  const [list, setList] = useState<Member[]>([])
  const [pending, setPending] = useState<Invitation[]>([])
  const [email, setEmail] = useState('')
  const [role, setNewRole] = useState<Role>('editor')
  const [error, setError] = useState<string>()
  const owner = workspace?.role === 'owner'

  const refresh = () => {
    if (!workspace) return
    loadMembers(workspace.id).then(
      (r) => {
        setList(r.members)
        setPending(r.invitations ?? [])
      },
      (e: Error) => setError(e.message),
    )
  }
  useEffect(refresh, [workspace?.id])

  const act = (work: () => Promise<unknown>) => runAction(work, refresh, setError)

  function submit(event: FormEvent) {
    event.preventDefault()
    void act(async () => {
      await invite(workspace!.id, email, role)
      setEmail('')
    })
  }

  if (!workspace) return null
  return (
    <section className="card" aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      <ul className="members" aria-label="Members">
        {list.map((m) => (
          <li key={m.userId}>
            <span>
              {m.name} <span className="muted">{m.email}</span>
            </span>
            {owner && m.userId !== me?.id ? (
              <span className="member-actions">
                <select
                  aria-label={`Role of ${m.email}`}
                  value={m.role}
                  onChange={(e) => void act(() => setRole(workspace.id, m.userId, e.target.value as Role))}
                >
                  {ROLE_NAMES.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </select>
                <button
                  type="button"
                  className="link"
                  onClick={() => void act(() => removeMember(workspace.id, m.userId))}
                >
                  Remove
                </button>
              </span>
            ) : (
              <span className="muted">{m.role}</span>
            )}
          </li>
        ))}
      </ul>
      {owner && pending.length > 0 && (
        <ul className="members" aria-label="Pending invitations">
          {pending.map((i) => (
            <li key={i.email}>
              <span>
                {i.email} <span className="muted">invited as {i.role}; joins when they register</span>
              </span>
              <button
                type="button"
                className="link"
                onClick={() => void act(() => cancelInvitation(workspace.id, i.email))}
              >
                Withdraw
              </button>
            </li>
          ))}
        </ul>
      )}
      {owner && (
        <form className="invite" onSubmit={submit}>
          <input
            type="email"
            aria-label="E-mail to invite"
            placeholder="colleague@example.com"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            required
          />
          <select
            aria-label="Role for the invitation"
            value={role}
            onChange={(e) => setNewRole(e.target.value as Role)}
          >
            {ROLE_NAMES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <button type="submit" className="primary">
            Invite
          </button>
        </form>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}
