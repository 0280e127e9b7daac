/**
 * Strata's SDK for browsers: the session cookie travels with `credentials: 'include'` (the
 * browser keeps it and sends the Origin), so there is no jar; API tokens work as in Node.
 */
import { type StrataClient, type StrataClientOptions, createStrataClient } from './client.js'

export { StrataError, ok } from './errors.js'
export { type StreamOptions, catchUp, changes } from './stream.js'
export type { Change, ErrorBody, components, paths } from './types.js'
export type { StrataClient }

export function createBrowserClient(options: Omit<StrataClientOptions, 'credentials'>): StrataClient {
  return createStrataClient({ ...options, credentials: 'include' })
}
