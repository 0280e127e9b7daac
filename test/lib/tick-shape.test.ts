import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { asyncIdKeys, tickShaped } from '../../lib/tick-shape.js'

// lib/tick-shape.ts keeps one object shaped as Node's next-tick entries alive. It helps only while
// Node builds its entries that way, and only if the shapes match and survive full GCs.

t.test('Node still builds next-tick entries as the literal the module copies', async (t) => {
  const source = process.nextTick.toString()
  const literal = /\{\s*\[async_id_symbol\]: asyncId,\s*\[trigger_async_id_symbol\]: triggerAsyncId,\s*callback,\s*args,?\s*\}/
  t.match(source, literal, 'if this fails, Node changed nextTick: lib/tick-shape.ts no longer applies')
  t.same(asyncIdKeys.map((key) => key?.description), ['async_id_symbol', 'trigger_async_id_symbol'], 'the symbols async hooks key entries by')
  // Reflection lists names before symbols whatever the order; the next test checks the order.
  t.same(tickShaped && Object.getOwnPropertySymbols(tickShaped), asyncIdKeys, 'the held object has those keys')
  t.same(tickShaped && Object.keys(tickShaped), ['callback', 'args'], 'and callback, args')
})

t.test('entries built as nextTick builds them share the held hidden class, whatever their values, across full GCs', async (t) => {
  // V8's own check (%HaveSameMap), in a child with natives syntax; `new Function` keeps the syntax
  // away from the TypeScript loader. It fails when the held object's keys are in another order.
  // Why the ids start as null (not small integers) it cannot show: by the time the module loads,
  // Node's own entries have usually widened the id fields already.
  const script = `
    import { asyncIdKeys, tickShaped } from ${JSON.stringify(fileURLToPath(import.meta.resolve('../../lib/tick-shape.ts')))}
    const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)')
    const [asyncId, triggerAsyncId] = asyncIdKeys
    const entry = (id, trigger, callback, args) => ({ [asyncId]: id, [triggerAsyncId]: trigger, callback, args })
    const before = [
      entry(5, 1, () => {}, undefined),
      entry(2 ** 31 + 7, 1, function named() {}, [1, 2]),
      entry(9, 2 ** 33, async () => {}, undefined),
    ]
    for (let i = 0; i < 5; i++) globalThis.gc()
    const after = entry(11, 1, () => {}, undefined)
    console.log(JSON.stringify([...before, after].map((e) => sameHiddenClass(tickShaped, e))))
  `
  const run = spawnSync(process.execPath, ['--allow-natives-syntax', '--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })
  t.equal(run.status, 0, run.stderr)
  t.same(JSON.parse(run.stdout), [true, true, true, true], 'small ids, ids past 2³¹, any callback or args, and after five full GCs')
})
