/**
 * Postfix's policy delegation protocol, read and written (http://www.postfix.org/SMTPD_POLICY_README.html):
 * a request is `name=value` lines ended by an empty line; the answer is one `action=...` line and an
 * empty line; one connection carries many requests. Pure: text in, requests out, no sockets.
 *
 * Postfix never sends a line without `=`, nor hundreds of attributes, nor kilobyte-long lines (its
 * attributes are bounded by its own SMTP line limits, and a whole request is a few hundred bytes),
 * so anything like that is not Postfix: the reader reports it and the server drops the connection.
 */

/** One request's attributes by name (the first value kept when a name comes twice, as the README allows). */
export type PolicyRequest = ReadonlyMap<string, string>

export interface PolicyLimits {
  /** longest line, in characters (the `name=value` without its newline) */
  maxLine: number
  /** most attributes in one request */
  maxAttributes: number
  /** most bytes (UTF-8) held for one unfinished request: what a connection can make the daemon keep */
  maxRequestBytes: number
}

export const POLICY_LIMITS: PolicyLimits = Object.freeze({ maxLine: 4096, maxAttributes: 128, maxRequestBytes: 32768 })

export type ProtocolError = 'line_too_long' | 'too_many_attributes' | 'malformed_line' | 'empty_request' | 'request_too_large'

export interface ReadResult {
  requests: PolicyRequest[]
  /** set once the peer broke the protocol; nothing after it is read */
  error: ProtocolError | null
}

const NAME = /^[A-Za-z0-9_.-]{1,64}$/u

/** A reader for one connection: push text as it comes, in any pieces, get the requests it completes. */
export function createPolicyReader (overrides: Partial<PolicyLimits> = {}) {
  const limits: PolicyLimits = { ...POLICY_LIMITS, ...overrides }
  let pending = ''
  let attributes = new Map<string, string>()
  /** bytes of the current request's lines already read (their newlines included) */
  let held = 0
  let broken: ProtocolError | null = null

  function line (text: string): PolicyRequest | ProtocolError | null {
    // Postfix sends \n; a \r before it (a person with telnet) is not part of the value.
    const clean = text.endsWith('\r') ? text.slice(0, -1) : text
    if (clean === '') {
      // An empty line with nothing before it: not a request (and a cheap way to flood us with answers).
      if (attributes.size === 0) return 'empty_request'
      const request = attributes
      attributes = new Map()
      held = 0
      return request
    }
    const at = clean.indexOf('=')
    if (at < 1 || !NAME.test(clean.slice(0, at))) return 'malformed_line'
    if (attributes.size >= limits.maxAttributes) return 'too_many_attributes'
    const name = clean.slice(0, at)
    if (!attributes.has(name)) attributes.set(name, clean.slice(at + 1))
    return null
  }

  return {
    push (text: string): ReadResult {
      const requests: PolicyRequest[] = []
      if (broken !== null) return { requests, error: broken }
      pending += text
      let start = 0
      for (let end = pending.indexOf('\n'); end !== -1; end = pending.indexOf('\n', start)) {
        if (end - start > limits.maxLine + (pending[end - 1] === '\r' ? 1 : 0)) {
          broken = 'line_too_long'
          break
        }
        const raw = pending.slice(start, end)
        held += Buffer.byteLength(raw) + 1
        // Lines each within the limit may still add up to more than any real request.
        if (held > limits.maxRequestBytes) {
          broken = 'request_too_large'
          break
        }
        const outcome = line(raw)
        start = end + 1
        if (typeof outcome === 'string') {
          broken = outcome
          break
        }
        if (outcome !== null) requests.push(outcome)
      }
      pending = broken === null ? pending.slice(start) : ''
      // A line still without its newline may not grow past the limit either (its CR may be there).
      if (broken === null && pending.length > limits.maxLine + 1) {
        broken = 'line_too_long'
        pending = ''
      }
      if (broken === null && held + Buffer.byteLength(pending) > limits.maxRequestBytes) {
        broken = 'request_too_large'
        pending = ''
      }
      return { requests, error: broken }
    },
    /** part of a request has come and its end has not: the server's request timeout runs */
    get midRequest (): boolean {
      return broken === null && (attributes.size > 0 || pending !== '')
    }
  }
}

export type PolicyReader = ReturnType<typeof createPolicyReader>

export type PolicyAction = 'DUNNO' | 'REJECT' | 'DEFER'

/**
 * The answer to one request. The text is ours (fixed, neutral), never a value from the request: a
 * newline in it would end the answer early and desynchronise the connection, so it is refused.
 */
export function formatAnswer (action: PolicyAction, text?: string): string {
  if (text !== undefined && /[\r\n]/u.test(text)) throw new Error('a policy answer text must be one line')
  return `action=${action}${text === undefined || text === '' ? '' : ` ${text}`}\n\n`
}
