/**
 * The benchmark's baseline: a bare fastify server with one POST route that takes the same body with
 * the same schema as /v1/check and returns a constant decision. No auth, no logging, no index: the
 * cost of the HTTP round trip itself. Prints `listening PORT` when ready.
 */
import Fastify from 'fastify'
import { checkBody, decisionBody } from '../../src/schemas/check.js'

const app = Fastify({ logger: false })
const constant = { decision: 'allow', matches: [], indexVersion: 1 }
app.post('/v1/check', { schema: { body: checkBody, response: { 200: decisionBody } } }, async () => constant)
const port = Number(process.argv[2] ?? 0)
await app.listen({ port, host: '127.0.0.1' })
process.stdout.write(`listening ${(app.server.address() as { port: number }).port}\n`)
process.on('SIGTERM', () => { void app.close().then(() => process.exit(0)) })
