/** Strata's SDK for Node: typed requests, a session cookie jar or an API token, change streams. */
export { type StrataClient, type StrataClientOptions, createStrataClient } from './client.js'
export { type SessionJar, sessionJar } from './cookie-jar.js'
export { StrataError, ok } from './errors.js'
export { type StreamOptions, catchUp, changes, reconnectDelay } from './stream.js'
export type { Change, ErrorBody, components, paths } from './types.js'
