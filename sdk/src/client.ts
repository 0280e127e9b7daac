import createClient, { type Client, type Middleware } from 'openapi-fetch'
import type { paths } from './types.js'

export interface StrataClientOptions {
  /** Where Strata listens, e.g. `https://api.example.com`. */
  baseUrl: string
  /** A personal API token (`POST /me/tokens`), sent as `Authorization: Bearer`. */
  token?: string
  /** `include` in browsers on another origin, so the session cookie goes along. */
  credentials?: RequestInit['credentials']
  /** Middleware run on every request, the streams' included (the Node cookie jar is one). */
  middleware?: Middleware[]
  fetch?: (request: Request) => Promise<Response>
}

/** Requests typed from Strata's OpenAPI document (openapi-fetch), with auth applied to each. */
export interface StrataClient {
  api: Client<paths, 'application/json'>
  /** The retry hint of streams until a server sends its own `retry:`, in ms. */
  retryMs: number
}

export function createStrataClient(options: StrataClientOptions): StrataClient {
  const api = createClient<paths, 'application/json'>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    ...options.credentials ? { credentials: options.credentials } : {},
    ...options.fetch ? { fetch: options.fetch } : {},
  })
  const { token } = options
  if (token) {
    api.use({ onRequest: ({ request }) => { request.headers.set('authorization', `Bearer ${token}`) } })
  }
  for (const middleware of options.middleware ?? []) api.use(middleware)
  return { api, retryMs: 2_000 }
}
