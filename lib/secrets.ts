import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'

/** A random token for a cookie or an emailed link (256 bits, URL-safe). */
export const randomToken = (): string => randomBytes(32).toString('base64url')

/** What the database stores for a token: its sha256, so a leaked table grants nothing. */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex')

/** Constant-time string comparison (for shared secrets). */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest()
  const right = createHash('sha256').update(b).digest()
  return timingSafeEqual(left, right)
}

// argon2id (the library's default algorithm) at OWASP's baseline: 19 MiB, 2 iterations, 1 lane.
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 }

export const hashPassword = (password: string): Promise<string> => hash(password, argon2Options)

export const verifyPassword = (hashed: string, password: string): Promise<boolean> =>
  verify(hashed, password).catch(() => false)

/** A hash to verify against when the email is unknown, so both answers take the same time. */
export const decoyPasswordHash: Promise<string> = hashPassword(randomToken())
