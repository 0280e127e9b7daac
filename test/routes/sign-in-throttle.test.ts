import t from 'tap'
import { build, signUp, testDatabase } from '../helper.js'

type App = Awaited<ReturnType<typeof build>>['app']
const signIn = (app: App, email: string, password: string, remoteAddress: string) =>
  app.inject({ method: 'POST', url: '/auth/sign-in', remoteAddress, payload: { email, password } })

t.test('an attacker hammering one account cannot lock its owner out', async (t) => {
  // The defaults: 10 per (email, address) a minute, 30 per address, 100 per email an hour.
  const { app } = await build(t, { rateLimit: {} })
  await signUp(app, 'victim@example.com', 'victim-password')
  const attempts = []
  for (let i = 0; i < 20; i++) attempts.push(await signIn(app, 'victim@example.com', `guess-${i}`, '203.0.113.7'))
  t.same(attempts.slice(0, 10).map((r) => r.statusCode), Array(10).fill(401), 'ten guesses are answered')
  t.same(attempts.slice(10).map((r) => r.statusCode), Array(10).fill(429), 'then the attacker\'s address is refused')
  const refused = attempts.at(-1)!
  t.match(refused.json().error, { status: 429, type: 'rate_limited', severity: 'warn' })
  t.ok(Number(refused.headers['retry-after']) >= 1, 'with Retry-After')

  const owner = await signIn(app, 'victim@example.com', 'victim-password', '198.51.100.20')
  t.equal(owner.statusCode, 200, 'the owner signs in from another address meanwhile')
  t.equal((await signIn(app, 'victim@example.com', 'victim-password', '203.0.113.7')).statusCode, 429,
    'the right password does not reopen the attacker\'s address')
})

t.test('limits are shared by instances; each new trip of a pair doubles its block', async (t) => {
  const shared = await testDatabase(t)
  const limits = { rateLimit: { max: 3, timeWindowMs: 1_000 } }
  const { app: one } = await build(t, limits, { database: shared })
  const { app: two } = await build(t, limits, { database: shared })
  const burst = async () => {
    const codes = []
    for (const app of [one, two, one, two]) codes.push((await signIn(app, 'target@x.io', 'wrong-password', '10.0.0.1')))
    return codes
  }
  const first = await burst()
  t.same(first.map((r) => r.statusCode), [401, 401, 401, 429], 'the 4th attempt is refused, on the other instance too')
  t.equal(first[3]!.headers['retry-after'], '1', 'first block: one window')
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  const second = await burst()
  t.same(second.map((r) => r.statusCode), [401, 401, 401, 429], 'answered again once the block ends')
  t.equal(second[3]!.headers['retry-after'], '2', 'second block: twice as long')
  await new Promise((resolve) => setTimeout(resolve, 1_100))
  t.equal((await signIn(one, 'target@x.io', 'wrong-password', '10.0.0.1')).statusCode, 429, 'still blocked after one window')
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  t.equal((await signIn(one, 'target@x.io', 'wrong-password', '10.0.0.1')).statusCode, 401, 'and answered after two')
})

t.test('one address spraying many emails is limited; so is one email guessed from many addresses', async (t) => {
  const { app } = await build(t, { rateLimit: { addressMax: 3, emailMax: 4 } })
  const spray = []
  for (const email of ['a1@x.io', 'a2@x.io', 'a3@x.io', 'a4@x.io']) spray.push((await signIn(app, email, 'password-123', '10.0.1.1')).statusCode)
  t.same(spray, [401, 401, 401, 429], 'the address is refused after addressMax attempts, any email')

  const distributed = []
  for (let i = 1; i <= 5; i++) distributed.push((await signIn(app, 'target@x.io', 'password-123', `10.0.2.${i}`)).statusCode)
  t.same(distributed, [401, 401, 401, 401, 429], 'the email ceiling stops a distributed attack')
})
