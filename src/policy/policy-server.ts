import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import type { PolicyCheck } from './policy-check.js'
import { createPolicyReader, formatAnswer } from './policy-protocol.js'

export interface PolicyServerOptions {
  host: string
  /** 0: any free port */
  port: number
  /** a connection quiet this long is closed */
  idleTimeoutMs: number
  answer: PolicyCheck
  logger: Logger
}

/**
 * Enough for every smtpd process of a busy Postfix (default_process_limit is 100), each holding one
 * connection; past it a new connection is refused and that Postfix answers 451 (a deferral).
 */
const MAX_CONNECTIONS = 512

export interface PolicyServer {
  /** the port it listens on */
  port: number
  /** stops listening and closes every connection (Postfix reconnects to the next daemon) */
  stop: () => Promise<void>
}

/**
 * Postfix's policy service on a TCP port (check_policy_service inet:host:port). The protocol has no
 * authentication, so it belongs on loopback or a private network: whoever can connect can ask.
 */
export async function startPolicyServer (options: PolicyServerOptions): Promise<PolicyServer> {
  const { answer, logger } = options
  const sockets = new Set<Socket>()

  function serve (socket: Socket): void {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    // A reset by the peer is its business; without this listener it would crash the daemon.
    socket.on('error', () => socket.destroy())
    socket.setEncoding('utf8')
    socket.setNoDelay(true)
    socket.setTimeout(options.idleTimeoutMs, () => socket.destroy())
    const reader = createPolicyReader()

    socket.on('data', (text: string) => {
      const { requests, error } = reader.push(text)
      if (error !== null) {
        // Not Postfix: dropped at once, nothing of what it sent in the log.
        logger.warn({ client: 'postfix-policy', error }, 'policy connection dropped: protocol error')
        socket.destroy()
        return
      }
      let reply = ''
      try {
        for (const request of requests) {
          const started = performance.now()
          const { action, text, log } = answer(request)
          reply += formatAnswer(action, text)
          logger.info({ client: 'postfix-policy', action, ...log, ms: Math.round((performance.now() - started) * 1000) / 1000 }, 'policy request')
        }
      } catch (err) {
        // A fault of ours: this connection goes (Postfix defers and reconnects), the daemon stays.
        logger.error({ err }, 'policy request failed')
        socket.destroy()
        return
      }
      // A peer that sends faster than it reads is paused until it has read our answers.
      if (reply !== '' && !socket.write(reply)) {
        socket.pause()
        socket.once('drain', () => socket.resume())
      }
    })
  }

  const server = createServer(serve)
  server.maxConnections = MAX_CONNECTIONS
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  // After listening, an error (EMFILE on accept, say) is logged, never thrown at the daemon.
  server.on('error', (err) => logger.error({ err }, 'policy server error'))
  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : options.port
  logger.info({ host: options.host, port }, 'postfix policy service listening')

  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  }
}
