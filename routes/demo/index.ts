import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'

const sources = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../demo')

/**
 * The live demo page (the `demo` option, on in development): one HTML page and its script,
 * bundled from demo/app.ts and the SDK's browser entry when the app boots. The script is a file
 * of its own because the CSP allows `script-src 'self'` only. esbuild comes with the dev
 * dependencies (tsx's), so it is imported only when the page is on.
 */
const demoRoutes: FastifyPluginAsyncZod = async (fastify) => {
  if (!fastify.config.demo) return
  const { build } = await import('esbuild')
  const [html, bundle] = await Promise.all([
    readFile(path.join(sources, 'index.html'), 'utf8'),
    build({ entryPoints: [path.join(sources, 'app.ts')], bundle: true, minify: true, format: 'esm', target: 'es2022', write: false }),
  ])
  const script = bundle.outputFiles[0]!.text

  fastify.servePage({ url: '/demo', html, scriptUrl: '/demo/app.js', script })
}

export default demoRoutes
