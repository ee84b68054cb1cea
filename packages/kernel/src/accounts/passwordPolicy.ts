import { KernelError } from '../errors.ts'
import { COMMON_PASSWORDS } from './commonPasswords.ts'

/** The shortest e-mail local part worth refusing inside a password (`bo` in `robot-2024` is no weakness). */
const MIN_LOCAL_PART = 4

/**
 * Refuses a password an attacker would try first: one of the most common passwords, or one containing the
 * account's own e-mail name. (Length, 8 to 256, is checked by the request schema.)
 */
export function checkPassword(password: string, email: string): void {
  const lowered = password.toLowerCase()
  if (COMMON_PASSWORDS.has(lowered)) {
    throw weak('This password is one of the most common passwords, tried first by attackers')
  }
  const local = email.split('@')[0]!.toLowerCase()
  if (local.length >= MIN_LOCAL_PART && lowered.includes(local)) {
    throw weak('This password contains your e-mail name, tried first by attackers')
  }
}

function weak(why: string): KernelError {
  return new KernelError(
    'WEAK_PASSWORD',
    `${why}; choose another of at least 8 characters, such as a few unrelated words`,
    400,
  )
}
