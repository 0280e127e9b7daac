import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/** An HTML page and the one script it loads (a file of its own: the documents' CSP allows no inline script). */
export interface HtmlPage {
  url: string
  html: string
  scriptUrl: string
  script: string
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Serves a page and its script as public routes with the documents' security headers, outside the OpenAPI document. */
    servePage(page: HtmlPage): void
  }
}

/** The few HTML pages Strata serves itself (the demo, the email-verification page). */
export default fp(async (fastify) => {
  fastify.decorate('servePage', function servePage(this: FastifyInstance, page: HtmlPage) {
    const files: Array<[string, string, string]> = [[page.url, 'text/html', page.html], [page.scriptUrl, 'text/javascript', page.script]]
    for (const [url, type, body] of files) {
      this.get(url, {
        config: { guards: ['public'] },
        onRequest: this.documentHeaders,
        schema: { hide: true },
      }, async (_request, reply) => reply.type(`${type}; charset=utf-8`).send(body))
    }
  })
}, { name: 'html-pages', dependencies: ['helmet'] })
