import pino from 'pino'
import type { DestinationStream, Logger, LoggerOptions } from 'pino'

/**
 * Fields that could ever hold a contact detail or a secret. We never log bodies, headers or URLs,
 * and these paths are the second line of defence (pino redaction covers fields, not free text:
 * https://getpino.io/#/docs/redaction). Exact paths only: wildcard paths (`*.phone`) cost more a
 * line than the rest of the line together (docs/PERFORMANCE.md), and no object we log nests such a
 * field.
 */
export const REDACT_PATHS = [
  'req.headers.authorization', 'req.headers.cookie', 'req.body', 'req.query', 'req.url',
  'headers.authorization', 'authorization', 'token', 'body', 'query', 'url',
  'phone', 'email', 'address', 'number', 'recipient'
]

/** The message of every request's one log line (plugins/request-log.ts, plugins/errors.ts, a check's from audit/check-record.ts). */
export const REQUEST_LINE = 'request'

/** A request's duration as its log line carries it: milliseconds to the microsecond. */
export const lineMs = (ms: number): number => Math.round(ms * 1000) / 1000

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
 * Log writes are whole lines and at most PIPE_BUF (4 KiB on Linux), which a pipe writes in one
 * piece: the event loop and the audit thread (which writes the lines of checks, see
 * audit/thread.ts) share the daemon's stdout, and a longer write to a pipe could be cut
 * by the other's. Lines are gathered until LINE_BATCH_MIN bytes, then written.
 */
export const LINE_WRITE_MAX = 4096
export const LINE_BATCH_MIN = 3072

/**
 * The most bytes of a line's own fields: what pino adds (level, time, pid, hostname of up to 255
 * bytes, msg) stays under 500, so a line of these fields is never longer than LINE_WRITE_MAX.
 */
export const LINE_FIELDS_MAX = LINE_WRITE_MAX - 500

/**
 * Bytes of a line's fields outside its lists, at most: ids, codes, a route, a client name of at
 * most 64 characters (the config schema). The lists are measured.
 */
const SCALARS_BYTES = 1000
const PLAIN = /^[ !#-[\]-~]*$/

/** JSON bytes of a value as a line carries it (undefined in a list is written null). */
const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? 'null')
/** An id or a hash (printable ASCII, no quote or backslash) is its length and two quotes in JSON. */
const itemBytes = (item: unknown) => (typeof item === 'string' && PLAIN.test(item) ? item.length + 2 : jsonBytes(item))

/**
 * A request's line as one or more lines of at most LINE_FIELDS_MAX bytes of fields, so that each is
 * written whole (LINE_WRITE_MAX). A line whose lists are long (a batch of checks, a transfer of many
 * entries) keeps its other fields and the lists' first items; the rest of each list follows in lines
 * with the same reqId and `continued` (1, 2, ...). Nothing is dropped. A single item longer than a
 * line (none of the lists logged has one) goes out alone, as it is.
 */
export function wholeLines (fields: Record<string, unknown>): Array<Record<string, unknown>> {
  const lists = Object.keys(fields).filter((key) => Array.isArray(fields[key]))
  let listBytes = 0
  for (const key of lists) {
    listBytes += key.length + 5
    for (const item of fields[key] as unknown[]) listBytes += itemBytes(item) + 1
  }
  if (listBytes + SCALARS_BYTES <= LINE_FIELDS_MAX) return [fields]
  const first: Record<string, unknown> = {}
  for (const key of Object.keys(fields)) if (!lists.includes(key)) first[key] = fields[key]
  const lines = [first]
  let line = first
  let size = jsonBytes(first)
  let held = 0 // list items on the current line
  // A new line when `more` bytes would take the current one past the limit (never an empty one).
  const roomFor = (more: number): boolean => {
    if (size + more <= LINE_FIELDS_MAX || held === 0) return false
    line = { reqId: fields.reqId, continued: lines.length }
    lines.push(line)
    size = jsonBytes(line)
    held = 0
    return true
  }
  for (const key of lists) {
    let out: unknown[] | null = null
    const open = jsonBytes(key) + 4 // ,"key":[]
    for (const item of fields[key] as unknown[]) {
      const more = itemBytes(item) + 1
      if (roomFor((out === null ? open : 0) + more)) out = null
      if (out === null) {
        out = []
        line[key] = out
        size += open
      }
      out.push(item)
      size += more
      held++
    }
    if (out === null) {
      // An empty list goes on the current line, or on a new one if it would pass the limit there.
      roomFor(open)
      line[key] = []
      size += open
    }
  }
  return lines
}

/**
 * Production logging is batched: sonic-boom gathers lines into writes of 3-4 KiB, one system
 * call for a dozen requests instead of one each. The writes are synchronous: handing each to libuv's
 * thread pool (sync: false) cost more than the write itself on this two-core machine
 * (docs/PERFORMANCE.md). So that a quiet daemon's lines are not held back, what is gathered is
 * written every LINE_FLUSH_MS, and a warning or worse is written at once with all before it. The
 * shell flushes the rest on the way out; a crash can lose at most the last LINE_FLUSH_MS of info
 * lines, never a decision (decisions are in the audit trail).
 */
export function createLogger (level: string, destination?: DestinationStream): Logger {
  if (destination !== undefined) return pino(loggerOptions(level), destination)
  const stream = pino.destination({ dest: 1, sync: true, minLength: LINE_BATCH_MIN, maxWrite: LINE_WRITE_MAX, periodicFlush: LINE_FLUSH_MS })
  return pino({
    ...loggerOptions(level),
    hooks: {
      logMethod (args, method, methodLevel) {
        method.apply(this, args)
        if (methodLevel >= WARN) stream.flush()
      }
    }
  }, stream)
}

/** Gathered lines are written at least this often. */
export const LINE_FLUSH_MS = 250
const WARN = 40

/**
 * Where the audit thread can write the lines of checks: the logger's file descriptor and level,
 * or null when the log is not a plain descriptor (a stream in a test) or not at info.
 */
export function lineDestination (logger: Logger): { fd: number, level: string } | null {
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as { fd?: unknown } | undefined
  const fd = stream?.fd
  if (typeof fd !== 'number' || fd < 0 || !logger.isLevelEnabled('info')) return null
  return { fd, level: logger.level }
}
