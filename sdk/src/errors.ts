import type { ErrorBody } from './types.js'

type Detail = ErrorBody['error']

/**
 * A Strata error answer as an exception. `Type` is the union of `type` values the operation
 * documents when it comes from `ok(...)`; any string otherwise.
 */
export class StrataError<Type extends string = string> extends Error {
  override name = 'StrataError'
  readonly status: number
  readonly type: Type
  readonly severity: Detail['severity']
  readonly requestId: string
  readonly entityType?: string
  readonly meta?: Record<string, unknown>
  /** Seconds the server asked to wait (`Retry-After`), when it did. */
  readonly retryAfter?: number

  constructor(detail: Omit<Detail, 'type'> & { type: Type }, retryAfter?: number) {
    super(detail.message)
    this.status = detail.status
    this.type = detail.type
    this.severity = detail.severity
    this.requestId = detail.requestId
    this.entityType = detail.entityType
    this.meta = detail.meta
    this.retryAfter = retryAfter
  }

  /** From a response and its parsed body; a body that is not Strata's (a proxy's page) becomes `http_error`. */
  static from(response: Response, body: unknown): StrataError {
    const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN)
    const detail = (body as Partial<ErrorBody> | undefined)?.error
    const requestId = response.headers.get('x-request-id') ?? ''
    return new StrataError(
      detail && typeof detail.type === 'string'
        ? detail
        : { status: response.status, type: 'http_error', message: `HTTP ${response.status}`, severity: 'error', requestId },
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    )
  }
}

type ErrorTypeOf<E> = E extends { error: { type: infer T extends string } } ? T : string

/**
 * The data of an openapi-fetch result, or a `StrataError` typed with the operation's error types:
 * `const pages = await ok(strata.api.GET('/{tenantId}/{orgId}/pages', { params }))`.
 */
export async function ok<T extends { data?: unknown; error?: unknown; response: Response }>(
  pending: Promise<T>,
): Promise<Exclude<T['data'], undefined>> {
  const { data, error, response } = await pending
  if (!response.ok) throw StrataError.from(response, error) as StrataError<ErrorTypeOf<T['error']>>
  return data as Exclude<T['data'], undefined>
}
