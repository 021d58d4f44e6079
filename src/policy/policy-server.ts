import { createServer } from 'node:net'
import { performance } from 'node:perf_hooks'
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import { createRefusalLog } from '../connection-refusals.js'
import type { PolicyCheck } from './policy-check.js'
import { createPolicyReader, formatAnswer } from './policy-protocol.js'

export interface PolicyServerOptions {
  host: string
  /** 0: any free port */
  port: number
  /** a connection quiet this long between requests is closed */
  idleTimeoutMs: number
  /** a request (the first one counted from the connection) not whole this long after it began: closed */
  requestTimeoutMs: number
  /** most bytes held for one unfinished request */
  maxRequestBytes: number
  /** open connections in all; past it a new one is closed at once */
  maxConnections: number
  /** open connections from one source address; past it a new one from there is closed at once */
  maxConnectionsPerSource: number
  answer: PolicyCheck
  logger: Logger
}

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
  const perSource = new Map<string, number>()
  const refusals = createRefusalLog(logger, 'postfix-policy')

  function serve (socket: Socket): void {
    // A reset by the peer is its business; without this listener it would crash the daemon.
    socket.on('error', () => socket.destroy())
    // One source may not take every place: the others (a second Postfix) keep theirs.
    const source = socket.remoteAddress ?? ''
    const fromSource = perSource.get(source) ?? 0
    if (fromSource >= options.maxConnectionsPerSource) {
      refusals.refused('maxConnectionsPerSource')
      socket.destroy()
      return
    }
    perSource.set(source, fromSource + 1)
    sockets.add(socket)

    // Postfix connects when it has a question and writes it whole at once, so a connection that
    // has sent nothing, or half a request, for requestTimeoutMs is not Postfix. Between requests it
    // may stay quiet until Postfix's own smtpd_policy_service_max_idle (300 s by default) ends it.
    let requestTimer: NodeJS.Timeout | null = null
    const startRequestTimer = () => {
      requestTimer = setTimeout(() => socket.destroy(), options.requestTimeoutMs)
    }
    startRequestTimer()
    socket.on('close', () => {
      if (requestTimer !== null) clearTimeout(requestTimer)
      sockets.delete(socket)
      const left = (perSource.get(source) ?? 1) - 1
      if (left === 0) perSource.delete(source)
      else perSource.set(source, left)
    })
    socket.setEncoding('utf8')
    socket.setNoDelay(true)
    socket.setTimeout(options.idleTimeoutMs, () => socket.destroy())
    const reader = createPolicyReader({ maxRequestBytes: options.maxRequestBytes })

    socket.on('data', (text: string) => {
      const { requests, error } = reader.push(text)
      // The clock of a request runs from its first byte to its end, however slowly it trickles in.
      if (requestTimer !== null && (requests.length > 0 || !reader.midRequest)) {
        clearTimeout(requestTimer)
        requestTimer = null
      }
      if (requestTimer === null && reader.midRequest) startRequestTimer()
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
  // Past the cap node closes a new connection before it is served; Postfix answers that mail 451.
  server.maxConnections = options.maxConnections
  server.on('drop', () => refusals.refused('maxConnections'))
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
      refusals.stop()
      for (const socket of sockets) socket.destroy()
      server.close(() => resolve())
    })
  }
}
