import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { Socket } from 'node:net'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { TLSSocket } from 'node:tls'
import type { UpstreamTls } from '../tls-files.js'
import { SyncError } from './sync-error.js'

/**
 * Who answered a request: the origin asked and, over TLS, the certificate the hub showed (its
 * subject, and its SHA-256 fingerprint, which names that one certificate). Goes to the audit trail.
 */
export interface UpstreamIdentity {
  origin: string
  subject?: string
  fingerprint256?: string
}

export interface UpstreamAnswer { status: number, text: string, upstream: UpstreamIdentity }

/** An answer whose status and headers have come, its body not yet read. */
interface Opened { status: number, body: AsyncIterable<Uint8Array> | null, upstream: UpstreamIdentity }
type Open = (url: URL, headers: Record<string, string>, signal: AbortSignal, body?: string) => Promise<Opened>

const TIMEOUT = 'the hub did not answer in time'
const DROPPED_AFTER_HANDSHAKE = 'the hub dropped the connection after the TLS handshake (a hub that requires client certificates does so when it does not trust upstream.certFile)'

/** TLS failures by OpenSSL's and Node's codes: none of them goes away by asking again within a run. */
const NOT_TRUSTED = 'the hub\'s certificate is not signed by a CA this establishment trusts (upstream.caFile)'
const CLIENT_REFUSED = 'the hub refused this establishment\'s client certificate (upstream.certFile)'
const TLS_ERRORS: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the hub\'s certificate has expired',
  CERT_NOT_YET_VALID: 'the hub\'s certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the hub\'s certificate is not for the host name of upstream.url',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: NOT_TRUSTED,
  UNABLE_TO_GET_ISSUER_CERT: NOT_TRUSTED,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: NOT_TRUSTED,
  SELF_SIGNED_CERT_IN_CHAIN: NOT_TRUSTED,
  DEPTH_ZERO_SELF_SIGNED_CERT: NOT_TRUSTED,
  CERT_SIGNATURE_FAILURE: NOT_TRUSTED,
  CERT_UNTRUSTED: NOT_TRUSTED,
  CERT_REJECTED: NOT_TRUSTED,
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: CLIENT_REFUSED,
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: CLIENT_REFUSED,
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: CLIENT_REFUSED,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: CLIENT_REFUSED,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: CLIENT_REFUSED
}

const codeOf = (err: unknown): string | undefined => {
  const { code, cause } = (err ?? {}) as { code?: unknown, cause?: { code?: unknown } }
  if (typeof code === 'string') return code
  return typeof cause?.code === 'string' ? cause.code : undefined // fetch wraps the socket's error
}

/** A request that got no answer: late, refused by TLS on either side, or not reachable. */
function openError (err: unknown, signal: AbortSignal): SyncError {
  if (err instanceof SyncError) return err
  if (signal.aborted || (err as Error).name === 'TimeoutError') return new SyncError(TIMEOUT, true)
  const code = codeOf(err) ?? ''
  const tls = TLS_ERRORS[code]
  if (tls !== undefined) return new SyncError(tls, false)
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return new SyncError('the TLS handshake with the hub failed', false)
  return new SyncError('the hub could not be reached', true)
}

/** The certificate a TLS connection's hub showed in its handshake. */
function identityOf (url: URL, socket: TLSSocket): UpstreamIdentity {
  const certificate = socket.getPeerX509Certificate()
  if (certificate === undefined) return { origin: url.origin }
  return { origin: url.origin, subject: certificate.subject.split('\n').join(', '), fingerprint256: certificate.fingerprint256 }
}

/**
 * node:http and node:https, which give each response's socket and so the peer's certificate (global
 * fetch does not). Connections are kept alive between pages, as fetch keeps them; no redirect is
 * followed (a redirect could lead away from the hub, or from https to http).
 */
function nodeOpener (tls: UpstreamTls): Open {
  const plain = new HttpAgent({ keepAlive: true })
  // No TLS session resumption: a resumed session's handshake shows no certificate, and every new
  // connection then checks the hub's certificate against upstream.caFile as it stands.
  const secure = new HttpsAgent({ keepAlive: true, maxCachedSessions: 0, ...tls })
  // Taken at each connection's handshake: by the time an answer comes, the socket no longer gives it.
  const identities = new WeakMap<Socket, UpstreamIdentity>()
  return (url, headers, signal, body) => new Promise((resolve, reject) => {
    const https = url.protocol === 'https:'
    const request = (https ? httpsRequest : httpRequest)(url, { method: body === undefined ? 'GET' : 'POST', headers, signal, agent: https ? secure : plain })
    let handshake = false
    request.on('socket', (socket) => {
      if (https && !identities.has(socket)) {
        socket.once('secureConnect', () => {
          handshake = true
          identities.set(socket, identityOf(url, socket as TLSSocket))
        })
      }
    })
    // Also the listener of errors after the answer has come (a timeout mid-body): the body's own
    // stream reports those, and a settled promise ignores this one.
    request.on('error', (err: Error & { code?: string }) => {
      // A hub that requires client certificates and does not trust ours completes the handshake
      // (TLS 1.3 checks the client's certificate after it), then drops the connection unanswered.
      reject(handshake && tls.cert !== undefined && err.code === 'ECONNRESET' ? new SyncError(DROPPED_AFTER_HANDSHAKE, true) : err)
    })
    request.on('response', (response) => {
      resolve({ status: response.statusCode ?? 0, body: response, upstream: identities.get(response.socket) ?? { origin: url.origin } })
    })
    request.end(body)
  })
}

/** An injected fetch (tests script a hub with one); it shows no certificate, so the origin only. */
function fetchOpener (fetchImpl: typeof fetch): Open {
  return async (url, headers, signal, body) => {
    const response = await fetchImpl(url, body === undefined ? { headers, signal } : { method: 'POST', headers, signal, body })
    return { status: response.status, body: response.body === null ? null : chunksOf(response.body), upstream: { origin: url.origin } }
  }
}

async function * chunksOf (stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader()
  let done = false
  try {
    for (;;) {
      const next = await reader.read()
      if (next.done) { done = true; return }
      yield next.value
    }
  } finally {
    if (!done) await reader.cancel().catch(() => {})
  }
}

/**
 * The body as text, refused once it passes `limit` bytes. Leaving the loop early ends the stream,
 * which drops the connection: a hub or a proxy gone wrong could otherwise stream until the daemon
 * runs out of memory.
 */
async function readCapped (body: AsyncIterable<Uint8Array> | null, limit: number): Promise<string> {
  if (body === null) return ''
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of body) {
    size += chunk.byteLength
    if (size > limit) throw new SyncError('the page is larger than any page of the feed can be', false)
    chunks.push(chunk)
  }
  return new TextDecoder().decode(Buffer.concat(chunks))
}

export interface UpstreamClientOptions {
  tls: UpstreamTls
  /** one request's time limit, its body included */
  timeoutMs: number
  /** instead of node:http(s); tests pass one that fails on purpose */
  fetch?: typeof fetch
}

/**
 * GETs from the upstream (and POSTs a JSON body: a request's outcome, docs/REQUESTS.md): the
 * answer's status, its body as text (capped) and who answered.
 */
export function createUpstreamClient (options: UpstreamClientOptions) {
  const open = options.fetch === undefined ? nodeOpener(options.tls) : fetchOpener(options.fetch)
  async function send (url: URL, headers: Record<string, string>, limit: number, body?: string): Promise<UpstreamAnswer> {
    const signal = AbortSignal.timeout(options.timeoutMs)
    let opened: Opened
    try {
      opened = await open(url, headers, signal, body)
    } catch (err) {
      throw openError(err, signal)
    }
    try {
      return { status: opened.status, text: await readCapped(opened.body, limit), upstream: opened.upstream }
    } catch (err) {
      if (err instanceof SyncError) throw err
      // The timeout covers the body too: a hub that trickles its page is as late as a silent one.
      const timedOut = signal.aborted || (err as Error).name === 'TimeoutError'
      throw new SyncError(timedOut ? TIMEOUT : 'the hub cut the connection mid-page', true)
    }
  }
  return {
    get: async (url: URL, headers: Record<string, string>, limit: number): Promise<UpstreamAnswer> => send(url, headers, limit),
    post: async (url: URL, headers: Record<string, string>, body: string, limit: number): Promise<UpstreamAnswer> =>
      send(url, { ...headers, 'content-type': 'application/json' }, limit, body)
  }
}

export type UpstreamClient = ReturnType<typeof createUpstreamClient>
