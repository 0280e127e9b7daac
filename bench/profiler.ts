/**
 * Preloaded into a bench server (`--import ./bench/profiler.ts`, env BENCH_PROFILE_DIR): CPU
 * profiling over a window the load generator chooses. Each SIGUSR2 starts a profile or ends
 * it, writes `<dir>/<pid>-<n>.cpuprofile` (the format of `node --cpu-prof`) and prints
 * `profiled <file>`. Unlike `--cpu-prof`, start-up and seeding stay out of the profile, and the
 * server's own code is the same as when it is measured.
 */
import { writeFile } from 'node:fs/promises'
import { Session } from 'node:inspector/promises'
import path from 'node:path'

const dir = process.env.BENCH_PROFILE_DIR!
const samplingIntervalUs = 100
const session = new Session()
session.connect()
let running = false
let n = 0
process.on('SIGUSR2', () => {
  void (async () => {
    if (!running) {
      running = true
      await session.post('Profiler.enable')
      await session.post('Profiler.setSamplingInterval', { interval: samplingIntervalUs })
      await session.post('Profiler.start')
      console.log('profiling')
      return
    }
    running = false
    const { profile } = await session.post('Profiler.stop')
    const file = path.join(dir, `${process.pid}-${++n}.cpuprofile`)
    await writeFile(file, JSON.stringify(profile))
    console.log(`profiled ${file}`)
  })()
})
