import type { components, paths } from './schema.js'

export type { components, paths }
/** One change of a stream (the `data` of an SSE `change` event, an item of a catch-up). */
export type Change = components['schemas']['Change']
/** The error body every 4xx and 5xx carries. */
export type ErrorBody = components['schemas']['Error']
