import type { Middleware } from 'openapi-fetch'

const sessionCookie = 'strata-session'

export interface SessionJar {
  /** Pass to `createStrataClient({ middleware: [jar.middleware] })`. */
  middleware: Middleware
  /** The session cookie's value, once a sign-in set it. */
  readonly session: string | undefined
  clear(): void
}

/** Is this `Set-Cookie` attribute list one that deletes the cookie? */
const deletes = (attributes: string[]) =>
  attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a))

/**
 * A session for Node clients: keeps the `strata-session` cookie the server sets and sends it
 * back, with the `Origin` the server's CSRF rule expects of cookie-authenticated mutations
 * (its APP_URL, or without one its own origin).
 */
export function sessionJar(origin: string): SessionJar {
  let session: string | undefined
  const middleware: Middleware = {
    onRequest({ request }) {
      if (session) request.headers.set('cookie', `${sessionCookie}=${session}`)
      request.headers.set('origin', origin)
    },
    onResponse({ response }) {
      for (const header of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = header.split(';')
        const at = pair.indexOf('=')
        if (pair.slice(0, at).trim() !== sessionCookie) continue
        const value = pair.slice(at + 1).trim()
        session = value && !deletes(attributes) ? value : undefined
      }
    },
  }
  return {
    middleware,
    get session() { return session },
    clear() { session = undefined },
  }
}
