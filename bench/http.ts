import { type Fixture, tenantId } from './fixture.js'
import { type RoundResult, type Side, type Target, cpuRatioOf, defaultRounds, interleave, ratioOf } from './interleave.js'
import { type CpuSnapshot, type Row, type Server, type Verdict, formatSpread, median, medianMs, quick, round, spreadOf } from './lib.js'

export interface HttpSetup {
  strata: Server
  /** A second API instance on the same database (no CDC worker of its own), for the cheap routes. */
  strataTwin: Server
  fastify: Server
  /** The same floor in a second process. */
  fastifyTwin: Server
  /** Fastify with Strata's logger options and security headers, no Strata plugin; in two processes. */
  fastifyRequired: Server
  fastifyRequiredTwin: Server
  nodeHttp: Server
  sqlFloor: Server
  fixture: Fixture
  dbCpu(): Promise<CpuSnapshot>
}

const names = {
  nodeHello: 'floor: bare node:http hello',
  fastifyHello: 'floor: bare Fastify hello',
  fastifyHelloTwin: 'floor: bare Fastify hello, process 2',
  fastifyRequired: 'floor: Fastify + logger with request id + security headers',
  fastifyRequiredTwin: 'floor: Fastify + logger with request id + security headers, process 2',
  health: 'Strata GET /health',
  healthTwin: 'Strata GET /health, instance 2',
  attachment: 'Strata GET …/attachments/:id (entity cache hit)',
  attachmentTwin: 'Strata GET …/attachments/:id (entity cache hit), instance 2',
  me: 'Strata GET /me (session cached)',
  sqlFloor: 'floor: bare node:http + pg list (no RLS), 500 pages',
  list: 'Strata GET …/pages?limit=20 (RLS), 500 pages',
}

const listPath = (org: string) => `/${tenantId}/${org}/pages?limit=20&sort=createdAt&order=desc`

interface ListAnswer { items: Array<{ id: string }>; total: number }

/** The floor must answer what the route answers: the same 20 ids in order and the same total. */
async function checkSameInformation(strataUrl: string, headers: Record<string, string>, floorUrl: string, org: string): Promise<void> {
  const [route, floor] = await Promise.all([
    fetch(strataUrl, { headers }).then((r) => r.json() as Promise<ListAnswer>),
    fetch(floorUrl).then((r) => r.json() as Promise<ListAnswer>),
  ])
  const same = route.total === floor.total && route.items.length === 20
    && route.items.every((item, i) => item.id === floor.items[i]?.id)
  if (!same) throw new Error(`the SQL floor does not answer what the route answers for ${org}: totals ${route.total} vs ${floor.total}`)
}

const summary = (name: string, rounds: RoundResult[]): Row => {
  const rps = spreadOf(rounds.map((r) => r.rps))
  const failed = rounds.reduce((n, r) => n + r.non2xx + r.errors, 0)
  return {
    benchmark: name,
    value: Math.round(rps.median),
    unit: 'req/s',
    detail: `rounds ${rounds.map((r) => r.rps).join(' / ')}; p50 ${median(rounds.map((r) => r.p50))} ms, p99 ${median(rounds.map((r) => r.p99))} ms; `
      + `server CPU ${round(median(rounds.map((r) => r.serverCpuUs)), 1)} µs/req, db CPU ${round(median(rounds.map((r) => r.dbCpuUs)), 1)} µs/req`
      + (failed ? `; ${failed} non-2xx/errors` : ''),
  }
}

/**
 * Throughput ratios against floors in their own processes, rounds interleaved (autocannon, 10
 * connections), with CPU per request from /proc; then the list's growth line (serial p50 at 500
 * vs 50,000 pages, rounds interleaved, the floor beside it).
 */
export async function httpBench(setup: HttpSetup): Promise<{ rows: Row[]; verdicts: Verdict[] }> {
  const { strata, strataTwin, fixture } = setup
  const reader = { cookie: fixture.cookies.reader, origin: strata.url }
  const attachmentPath = `/${tenantId}/${fixture.small.slug}/attachments/${fixture.attachmentId}`
  const cached = async (server: Server) => {
    await fetch(`${server.url}${attachmentPath}`, { headers: reader })
    return (await fetch(`${server.url}${attachmentPath}`, { headers: reader })).headers.get('x-cache')
  }
  const cache = [await cached(strata), await cached(strataTwin)]
  await checkSameInformation(`${strata.url}${listPath(fixture.small.slug)}`, reader, `${setup.sqlFloor.url}/?org=${fixture.small.id}`, 'small')
  await checkSameInformation(`${strata.url}${listPath(fixture.large.slug)}`, reader, `${setup.sqlFloor.url}/?org=${fixture.large.id}`, 'large')

  const targets: Target[] = [
    // Pairs that form a ratio run next to each other in every round.
    { name: names.nodeHello, url: `${setup.nodeHttp.url}/`, serverPid: setup.nodeHttp.pid },
    { name: names.fastifyHello, url: `${setup.fastify.url}/`, serverPid: setup.fastify.pid },
    { name: names.fastifyRequired, url: `${setup.fastifyRequired.url}/`, serverPid: setup.fastifyRequired.pid },
    { name: names.health, url: `${strata.url}/health`, serverPid: strata.pid },
    { name: names.attachment, url: `${strata.url}${attachmentPath}`, headers: reader, serverPid: strata.pid },
    { name: names.fastifyHelloTwin, url: `${setup.fastifyTwin.url}/`, serverPid: setup.fastifyTwin.pid },
    { name: names.fastifyRequiredTwin, url: `${setup.fastifyRequiredTwin.url}/`, serverPid: setup.fastifyRequiredTwin.pid },
    { name: names.healthTwin, url: `${strataTwin.url}/health`, serverPid: strataTwin.pid },
    { name: names.attachmentTwin, url: `${strataTwin.url}${attachmentPath}`, headers: reader, serverPid: strataTwin.pid },
    { name: names.me, url: `${strata.url}/me`, headers: reader, serverPid: strata.pid },
    { name: names.sqlFloor, url: `${setup.sqlFloor.url}/?org=${fixture.small.id}`, serverPid: setup.sqlFloor.pid },
    { name: names.list, url: `${strata.url}${listPath(fixture.small.slug)}`, headers: reader, serverPid: strata.pid },
  ]
  const results = await interleave(targets, { ...defaultRounds, dbCpu: setup.dbCpu })
  const rows: Row[] = targets.map((t) => summary(t.name, results.get(t.name)!))
  if (cache.some((c) => c !== 'HIT')) rows.push({ benchmark: 'attachment read served from the entity cache', value: 'no', unit: '', detail: `x-cache: ${cache.join(', ')}` })

  const ratio = (a: Side, b: Side) => ratioOf(results, a, b)
  const byCpu = (a: Side, b: Side) => `; by CPU/request ${formatSpread(cpuRatioOf(results, a, b))}×`
  const ratioRow = (benchmark: string, a: Side, b: Side): Row =>
    ({ benchmark, value: round(ratio(a, b).median, 2), unit: '×', detail: `per round ${formatSpread(ratio(a, b))}${byCpu(a, b)}` })
  // Identical processes differ by up to 20 % here (an A/A test, rounds interleaved), from round to
  // round and steadily: one process of each side would carry that into every ratio. The cheap
  // routes and their floor are measured in two processes each, and their ratios taken between the
  // sides' per-round means; the A/A rows show what is left of it.
  const fastifyFloor = [names.fastifyHello, names.fastifyHelloTwin]
  // What SPEC §10 asks of every response (a logger with a request id, the security headers) costs
  // in Fastify itself; the rows below split /health's gap into that and what Strata adds.
  const requiredFloor = [names.fastifyRequired, names.fastifyRequiredTwin]
  const healthSide = [names.health, names.healthTwin]
  const attachmentSide = [names.attachment, names.attachmentTwin]
  const health = ratio(healthSide, fastifyFloor)
  const attachment = ratio(attachmentSide, fastifyFloor)
  const list = ratio(names.list, names.sqlFloor)
  rows.push(
    ratioRow('bare Fastify / bare node:http', names.fastifyHello, names.nodeHello),
    ratioRow('GET /me / bare Fastify', names.me, fastifyFloor),
    ratioRow('Fastify + logger + security headers / bare Fastify (what SPEC §10 costs in the framework)', requiredFloor, fastifyFloor),
    ratioRow('GET /health / Fastify + logger + security headers (what Strata adds)', healthSide, requiredFloor),
    ratioRow('A/A: bare Fastify, process 2 / process 1', names.fastifyHelloTwin, names.fastifyHello),
    ratioRow('A/A: Strata GET /health, instance 2 / instance 1', names.healthTwin, names.health),
    ratioRow('A/A: Strata cached read, instance 2 / instance 1', names.attachmentTwin, names.attachment),
  )
  const verdicts: Verdict[] = [
    { target: 'GET /health ≥ 0.80 × bare Fastify', measured: `${formatSpread(health)}× by req/s${byCpu(healthSide, fastifyFloor)} (2 processes a side)`, met: health.median >= 0.8 },
    { target: 'cached entity read (GET …/attachments/:id) ≥ 0.60 × bare Fastify', measured: `${formatSpread(attachment)}× by req/s${byCpu(attachmentSide, fastifyFloor)} (2 processes a side)`, met: attachment.median >= 0.6 },
    { target: 'RLS list read ≥ 0.70 × its bare node:http + pg floor', measured: `${formatSpread(list)}× by req/s${byCpu(names.list, names.sqlFloor)} (server + database)`, met: list.median >= 0.7 },
  ]

  // Growth line: one request at a time, so p50 is the request's own cost, not queueing.
  const serial = async (url: string, headers?: Record<string, string>) =>
    medianMs(async () => { await (await fetch(url, { headers })).arrayBuffer() }, quick ? 20 : 60, 5)
  const growth = { small: [] as number[], large: [] as number[], floorSmall: [] as number[], floorLarge: [] as number[] }
  for (let r = 0; r < defaultRounds.rounds; r++) {
    growth.small.push(await serial(`${strata.url}${listPath(fixture.small.slug)}`, reader))
    growth.large.push(await serial(`${strata.url}${listPath(fixture.large.slug)}`, reader))
    growth.floorSmall.push(await serial(`${setup.sqlFloor.url}/?org=${fixture.small.id}`))
    growth.floorLarge.push(await serial(`${setup.sqlFloor.url}/?org=${fixture.large.id}`))
  }
  const perRound = (a: number[], b: number[]) => spreadOf(a.map((x, i) => x / b[i]!))
  const listGrowth = perRound(growth.large, growth.small)
  const ms = (values: number[]) => `${round(median(values), 2)} ms`
  rows.push(
    { benchmark: 'list p50, 1 connection: 500 → 50,000 pages', value: round(listGrowth.median, 2), unit: '×', detail: `${ms(growth.small)} → ${ms(growth.large)}; per round ${formatSpread(listGrowth)}` },
    { benchmark: 'its floor (count(*) over() as admin): 500 → 50,000 pages', value: round(perRound(growth.floorLarge, growth.floorSmall).median, 2), unit: '×', detail: `${ms(growth.floorSmall)} → ${ms(growth.floorLarge)}` },
  )
  verdicts.push({ target: 'list p50 at 50,000 pages ≤ 1.5 × at 500', measured: `${formatSpread(listGrowth)}× (${ms(growth.small)} → ${ms(growth.large)})`, met: listGrowth.median <= 1.5 })
  return { rows, verdicts }
}
