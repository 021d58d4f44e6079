import type { FastifyInstance } from 'fastify'

/**
 * On every answer, errors before routing included: nothing is cached (an answer may name an entry),
 * nothing sniffed, nothing framed. The pages add their Content-Security-Policy (src/routes/pages.ts).
 */
export const SECURITY_HEADERS = Object.freeze({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY' })

/** Adds SECURITY_HEADERS to every answer that goes through fastify's reply. */
export function registerSecurityHeaders (app: FastifyInstance): void {
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS)
    done(null, payload)
  })
}
