import pino from 'pino'
import type { DestinationStream, Logger, LoggerOptions } from 'pino'

/**
 * Fields that could ever hold a contact detail or a secret. We never log bodies, headers or URLs,
 * and these paths are the second line of defence (pino redaction covers fields, not free text:
 * https://getpino.io/#/docs/redaction). Exact paths only: wildcard paths (`*.phone`) cost 12 us a
 * line, more than the rest of the line together (issue 6), and no object we log nests such a field.
 */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.body', 'req.query', 'req.url',
  'headers.authorization', 'authorization', 'token', 'body', 'query', 'url',
  'phone', 'email', 'address', 'number', 'recipient'
]

export function loggerOptions (level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    // The route template is logged, never the URL: a GET /v1/check/phone URL carries the number.
    serializers: {
      // Type, code and stack frames only: a message can quote what it failed on (JSON.parse quotes
      // its input) and a client error carries the raw request bytes (rawPacket), token and all.
      err: (err: { name?: string, code?: string, stack?: string }) => ({
        type: err.name,
        code: err.code,
        frames: err.stack?.split('\n').slice(1, 12).join('\n')
      }),
      req: (req: { method?: string, routeOptions?: { url?: string } }) => ({ method: req.method, route: req.routeOptions?.url }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode })
    }
  }
}

/**
 * Production logging is batched: sonic-boom gathers lines into writes of 4 KiB or more, one system
 * call for a dozen requests instead of one each. The writes are synchronous: handing each to libuv's
 * thread pool (sync: false) cost more than the write itself on this two-core machine (issue 6,
 * docs/PERFORMANCE.md). The shell flushes the rest on the way out; a crash can lose the last few
 * kilobytes of log, never a decision (decisions are in the audit trail).
 */
export function createLogger (level: string, destination?: DestinationStream): Logger {
  return pino(loggerOptions(level), destination ?? pino.destination({ dest: 1, sync: true, minLength: 4096 }))
}
