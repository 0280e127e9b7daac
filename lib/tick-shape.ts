/**
 * Keeps the hidden class of Node's `process.nextTick` entries alive for the life of the process.
 *
 * Node 20 builds each next-tick entry as an object literal keyed by two async-hooks symbols, then
 * `callback` and `args`. Nothing holds one for long, so a full GC can free that hidden class; the
 * next entry gets a new one, and after a few full GCs the literal's inline cache gives up and every
 * later `nextTick` builds its entry through V8's slow runtime path, for the rest of the process.
 * An HTTP request makes about seven: a process with a large heap (many full GCs while it boots and
 * serves) paid about 5 µs a request for it, 12 % of `GET /health`'s CPU in a `perf` profile, where
 * bare Fastify paid nothing. One live object of the same shape keeps the hidden class, so it must be
 * made before the server's hot paths warm up: entry points import this module first.
 *
 * The ids are `null`, not numbers: a field that first held small integers changes hidden class when
 * an id outgrows them (after 2³¹ async ids, hours of traffic); one that first held `null` takes any
 * value in place. test/lib/tick-shape.test.ts checks that Node still builds entries this way.
 */
import { AsyncResource } from 'node:async_hooks'

const resourceKeys = Object.getOwnPropertySymbols(new AsyncResource('strata:tick-shape'))
const keyNamed = (description: string) => resourceKeys.find((key) => key.description === description)

/** The two symbols Node's async hooks key resources and next-tick entries by (asyncId, triggerId). */
export const asyncIdKeys = [keyNamed('async_id_symbol'), keyNamed('trigger_async_id_symbol')] as const

const [asyncId, triggerAsyncId] = asyncIdKeys

/** Held by this module for the process's life: an entry shaped as `process.nextTick` shapes them. */
export const tickShaped: object | undefined = asyncId && triggerAsyncId
  ? { [asyncId]: null, [triggerAsyncId]: null, callback: () => {}, args: undefined }
  : undefined
