import t from 'tap'
import { build, eventually } from '../helper.js'

/** The `loadShedding` option: on, a saturated event loop answers 503 `overloaded`; off, nothing is registered. */
t.test('on: a saturated event loop sheds load with 503 overloaded and Retry-After', async (t) => {
  // A utilisation ceiling no running process stays under: the first sample trips it.
  const { app } = await build(t, { loadShedding: { maxEventLoopDelayMs: 1_000, maxEventLoopUtilization: 0.000001 } }, { database: false })
  const shed = await eventually(async () => {
    const end = Date.now() + 50
    while (Date.now() < end) { /* keep the loop busy */ }
    const res = await app.inject({ method: 'GET', url: '/health' })
    return res.statusCode === 503 ? res : undefined
  }, 10_000, 'a 503')
  t.equal(shed.json().error.type, 'overloaded')
  t.equal(shed.headers['retry-after'], '5')
})

t.test('off: no load shedding is registered', async (t) => {
  const { app } = await build(t, { loadShedding: false }, { database: false })
  t.notOk(app.hasDecorator('memoryUsage'), 'under-pressure is not registered')
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
})
