import { hash } from '@node-rs/argon2';
import { type AppError, badRequest } from '../../errors.ts';
import { checkPassword } from './password-policy.ts';

// OWASP's argon2id baseline (m=19 MiB, t=2, p=1).
const ARGON2 = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * Why a new password (register, reset, change) is refused, or undefined: the password policy first (length, the
 * common-password list, not the account's own identifier or name), then the confirmation.
 */
export function newPasswordProblem(
  password: string,
  confirm: string | undefined,
  about: { identifier?: string; displayName?: string } = {},
): AppError | undefined {
  const key = checkPassword(password, about);
  if (key) return badRequest(key).on('password');
  if (confirm !== undefined && confirm !== password) return badRequest('auth.passwordMismatch').on('passwordConfirm');
  return undefined;
}

/** The argon2id hash stored for a password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}
