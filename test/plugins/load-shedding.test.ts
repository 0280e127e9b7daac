import t from 'tap'
import { build, eventually } from '../helper.js'

/** The `loadShedding` option: on, a saturated event loop answers 503 `overloaded`; off, nothing is registered. */
t.test('on: a saturated event loop sheds load with 503 overloaded and Retry-After, except liveness', async (t) => {
  // A utilisation ceiling no running process stays under: the first sample trips it.
  const { app } = await build(t, { loadShedding: { maxEventLoopDelayMs: 1_000, maxEventLoopUtilization: 0.000001 } }, { database: false })
  const shed = await eventually(async () => {
    const end = Date.now() + 50
    while (Date.now() < end) { /* keep the loop busy */ }
    const res = await app.inject({ method: 'GET', url: '/me' })
    return res.statusCode === 503 ? res : undefined
  }, 10_000, 'a 503')
  t.equal(shed.json().error.type, 'overloaded', 'shed before any guard runs')
  t.equal(shed.headers['retry-after'], '5')
  const live = await app.inject({ method: 'GET', url: '/health' })
  t.equal(live.statusCode, 200, 'liveness answers while the instance sheds load: restarting it would add to the overload')
  t.equal((await app.inject({ method: 'GET', url: '/me' })).statusCode, 503, 'still shedding')
})

t.test('off: no load shedding is registered', async (t) => {
  const { app } = await build(t, { loadShedding: false }, { database: false })
  t.notOk(app.hasDecorator('memoryUsage'), 'under-pressure is not registered')
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
})
