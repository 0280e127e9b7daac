import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import t from 'tap'
import { freePortPreferring, keptSecrets } from '../../db/bootstrap.js'

/** Something listening on 127.0.0.1 (another checkout's database), closed at teardown. */
async function occupiedPort(t: { teardown(fn: () => void): void }, port = 0): Promise<number> {
  const server = createServer().listen(port, '127.0.0.1')
  await once(server, 'listening')
  t.teardown(() => { server.close() })
  return (server.address() as { port: number }).port
}

t.test('the preferred port when it is free, another free one when it is taken', async (t) => {
  const taken = await occupiedPort(t)
  const other = await freePortPreferring(taken)
  t.not(other, taken, 'a taken port is not chosen')
  const probe = createServer().listen(other, '127.0.0.1')
  await once(probe, 'listening')
  probe.close()
  t.pass('the chosen port can be listened on')

  const free = await freePortPreferring(other)
  t.equal(free, other, 'a free preferred port is kept')
})

t.test('the first boot keeps its port in .data/secrets.json; later boots reuse it even when taken', async (t) => {
  const dataDir = t.testdir()
  const { port } = await keptSecrets(dataDir, ['port'])
  const kept = JSON.parse(await readFile(path.join(dataDir, 'secrets.json'), 'utf8')) as { port: number }
  t.equal(kept.port, port)
  await occupiedPort(t, port)
  t.same(await keptSecrets(dataDir, ['port']), { port }, 'reused, not re-chosen (the data directory belongs to that port\'s server)')
})
