import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import fp from 'fastify-plugin'
import nodemailer from 'nodemailer'
import type { Mail } from '../../lib/mail-templates.js'

declare module 'fastify' {
  interface FastifyInstance {
    mailer: {
      /** Sends one message; failures are logged, never thrown at a request that already committed. */
      send(mail: Mail): Promise<void>
    }
  }
}

/**
 * Outgoing mail (SPEC §5 invitations). `outbox`: each message is written as a JSON file
 * (to, subject, text, html, raw) to the outbox folder and logged; `smtp`: nodemailer over SMTP.
 */
export default fp(async (fastify) => {
  const { mailer: options, mailFrom } = fastify.config
  const transport = options.transport === 'smtp'
    ? nodemailer.createTransport(options.url)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
  let sequence = 0

  fastify.decorate('mailer', {
    async send(mail: Mail) {
      try {
        const info = await transport.sendMail({ from: mailFrom, ...mail })
        if (options.transport === 'outbox') {
          await mkdir(options.dir, { recursive: true })
          const file = path.join(options.dir, `${Date.now()}-${process.pid}-${++sequence}.json`)
          const raw = (info as { message?: Buffer }).message?.toString() ?? ''
          await writeFile(file, JSON.stringify({ from: mailFrom, ...mail, raw }, null, 2))
          fastify.log.info({ to: mail.to, subject: mail.subject, file }, 'mail written to the outbox')
        } else {
          fastify.log.info({ to: mail.to, subject: mail.subject, messageId: info.messageId }, 'mail sent')
        }
      } catch (err) {
        fastify.log.error({ err, to: mail.to, subject: mail.subject }, 'mail could not be sent')
      }
    },
  })
  fastify.addHook('onClose', async () => { transport.close() })
}, { name: 'mailer', dependencies: ['config'] })
