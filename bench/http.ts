import { type Fixture, tenantId } from './fixture.js'
import { type RoundResult, type Target, cpuRatioOf, defaultRounds, interleave, ratioOf } from './interleave.js'
import { type CpuSnapshot, type Row, type Server, type Verdict, formatSpread, median, medianMs, quick, round, spreadOf } from './lib.js'

export interface HttpSetup {
  strata: Server
  fastify: Server
  nodeHttp: Server
  sqlFloor: Server
  fixture: Fixture
  dbCpu(): Promise<CpuSnapshot>
}

const names = {
  nodeHello: 'floor: bare node:http hello',
  fastifyHello: 'floor: bare Fastify hello',
  health: 'Strata GET /health',
  attachment: 'Strata GET …/attachments/:id (entity cache hit)',
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
  const { strata, fixture } = setup
  const reader = { cookie: fixture.cookies.reader, origin: strata.url }
  const attachmentUrl = `${strata.url}/${tenantId}/${fixture.small.slug}/attachments/${fixture.attachmentId}`
  await fetch(attachmentUrl, { headers: reader })
  const cache = (await fetch(attachmentUrl, { headers: reader })).headers.get('x-cache')
  await checkSameInformation(`${strata.url}${listPath(fixture.small.slug)}`, reader, `${setup.sqlFloor.url}/?org=${fixture.small.id}`, 'small')
  await checkSameInformation(`${strata.url}${listPath(fixture.large.slug)}`, reader, `${setup.sqlFloor.url}/?org=${fixture.large.id}`, 'large')

  const targets: Target[] = [
    // Pairs that form a ratio run next to each other in every round.
    { name: names.nodeHello, url: `${setup.nodeHttp.url}/`, serverPid: setup.nodeHttp.pid },
    { name: names.fastifyHello, url: `${setup.fastify.url}/`, serverPid: setup.fastify.pid },
    { name: names.health, url: `${strata.url}/health`, serverPid: strata.pid },
    { name: names.attachment, url: attachmentUrl, headers: reader, serverPid: strata.pid },
    { name: names.me, url: `${strata.url}/me`, headers: reader, serverPid: strata.pid },
    { name: names.sqlFloor, url: `${setup.sqlFloor.url}/?org=${fixture.small.id}`, serverPid: setup.sqlFloor.pid },
    { name: names.list, url: `${strata.url}${listPath(fixture.small.slug)}`, headers: reader, serverPid: strata.pid },
  ]
  const results = await interleave(targets, { ...defaultRounds, dbCpu: setup.dbCpu })
  const rows: Row[] = targets.map((t) => summary(t.name, results.get(t.name)!))
  if (cache !== 'HIT') rows.push({ benchmark: 'attachment read served from the entity cache', value: 'no', unit: '', detail: `x-cache: ${cache}` })

  const ratio = (a: string, b: string) => ratioOf(results, a, b)
  const byCpu = (a: string, b: string) => `; by CPU/request ${formatSpread(cpuRatioOf(results, a, b))}×`
  const health = ratio(names.health, names.fastifyHello)
  const attachment = ratio(names.attachment, names.fastifyHello)
  const list = ratio(names.list, names.sqlFloor)
  rows.push(
    { benchmark: 'bare Fastify / bare node:http', value: round(ratio(names.fastifyHello, names.nodeHello).median, 2), unit: '×', detail: `per round ${formatSpread(ratio(names.fastifyHello, names.nodeHello))}${byCpu(names.fastifyHello, names.nodeHello)}` },
    { benchmark: 'GET /me / bare Fastify', value: round(ratio(names.me, names.fastifyHello).median, 2), unit: '×', detail: `per round ${formatSpread(ratio(names.me, names.fastifyHello))}${byCpu(names.me, names.fastifyHello)}` },
  )
  const verdicts: Verdict[] = [
    { target: 'GET /health ≥ 0.80 × bare Fastify', measured: `${formatSpread(health)}× by req/s${byCpu(names.health, names.fastifyHello)}`, met: health.median >= 0.8 },
    { target: 'cached entity read (GET …/attachments/:id) ≥ 0.60 × bare Fastify', measured: `${formatSpread(attachment)}× by req/s${byCpu(names.attachment, names.fastifyHello)}`, met: attachment.median >= 0.6 },
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
