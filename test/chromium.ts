import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import puppeteer, { type Browser } from 'puppeteer-core'
import type { Teardown } from './helper.js'

const chromium = '/usr/bin/chromium'

/** A tap `skip` reason when there is no Chromium to drive (CI installs it). */
export const withoutChromium = existsSync(chromium) ? false : `${chromium} is missing (apt-get install chromium; .ci/run does)`

/** Headless Chromium with a throw-away profile, closed and removed when the test ends. */
export async function launchChromium(t: Teardown): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'strata-chromium-'))
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`],
  })
  t.teardown(async () => {
    await browser.close()
    await rm(profile, { recursive: true, force: true })
  })
  return browser
}
