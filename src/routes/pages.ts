import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

/** public/, found from src/routes (tsx) and dist/routes (node) alike. */
export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url))

/**
 * Everything a page loads comes from this daemon: no inline script or style, no CDN, no frames.
 * The pages call the API on the same origin with the user's token (connect-src 'self').
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

// The pages hold nothing secret: the data they show comes from the API, which checks the token.
const open = { config: { auth: 'none' as const }, schema: { hide: true } }

/** The mail-room page (/), the SPOC page (/spoc) and their assets (/assets/*), from public/. */
export function pageRoutes (root: string = PUBLIC_DIR) {
  return async function (app: FastifyInstance): Promise<void> {
    // serve: false, because the plugin's own routes cannot carry an auth rule; ours below do.
    await app.register(fastifyStatic, { root, serve: false, dotfiles: 'deny', index: false })
    // Scoped to this plugin: the API's JSON answers keep the headers of plugins/security-headers.ts only.
    app.addHook('onSend', async (_request, reply) => {
      reply.header('content-security-policy', PAGE_CSP)
      reply.header('referrer-policy', 'no-referrer')
      reply.header('cross-origin-opener-policy', 'same-origin')
    })

    app.get('/', open, async (_request, reply) => reply.sendFile('mail-room.html'))
    app.get('/spoc', open, async (_request, reply) => reply.sendFile('spoc.html'))
    // @fastify/send keeps every path inside assets/ (a ../ that climbs out is refused).
    app.get('/assets/*', open, async (request, reply) =>
      reply.sendFile((request.params as { '*': string })['*'], join(root, 'assets')))
  }
}
