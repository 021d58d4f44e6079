/**
 * Hostile requests for any route the daemon registers (fast-check arbitraries). A generated request
 * is a small descriptor; `buildRequest` turns it into bytes, so that huge strings and deep nesting
 * are made once, when sent, and never kept by fast-check.
 *
 * Used by test/fuzz.test.ts (the short run in CI) and scripts/fuzz.ts (the long run).
 */
import fc from 'fast-check'
import type { RouteRule } from '../../src/plugins/auth.js'

/** The seeded entry blocks these for every prisoner here: a check that carries one must never be allowed. */
export const BLOCKED = {
  phone: '07700 900123',
  email: 'jane.victim@example.org',
  address: 'Flat 2, 14 Acacia Avenue, Leeds LS1 4AP'
} as const

export interface FuzzContext {
  /** raw tokens by role */
  tokens: Record<string, string>
  /** the seeded entry (never lifted by the fuzz: its block must hold throughout) */
  seedId: string
  /** entries the fuzz may lift */
  liftable: string[]
  bodyLimit: number
}

interface Sample { params?: Record<string, string>, query?: Record<string, string>, body?: unknown }

/** A request of the right shape for each known route, which mutations start from. */
function samples (ctx: FuzzContext): Record<string, Sample> {
  const check = { channel: 'phone', prisoner: 'A1234BC', phone: BLOCKED.phone, recipient: 'Jane Doe' }
  return {
    'POST /v1/check': { body: check },
    'POST /v1/check/explain': { body: { channel: 'mail', prisoner: 'A1234BC', address: BLOCKED.address } },
    'POST /v1/check/batch': {
      body: {
        items: [
          check,
          { channel: 'mail', prisoner: 'B2345CD', address: { lines: ['Flat 2', '14 Acacia Avenue', 'Leeds'], postcode: 'LS1 4AP' } },
          { channel: 'email', prisoner: 'C3456DE', email: 'Jane.Victim+x@Example.org' },
          { channel: 'message', prisoner: 'D4567EF', phone: '020 7946 0001' }
        ]
      }
    },
    'GET /v1/check/phone': { query: { prisoner: 'A1234BC', number: BLOCKED.phone } },
    'POST /v1/entries': {
      body: {
        scope: 'prisoner',
        prisoner: 'E5678FG',
        phones: ['0113 496 0001'],
        emails: ['sam.fixture@example.org'],
        addresses: ['3 Laburnum Grove\nHull\nHU1 2AB'],
        protectedPerson: 'Sam Fixture',
        reason: 'Fuzz entry',
        requestRef: 'UPC-2026-000999',
        consent: true,
        effectiveFrom: '2026-01-01T00:00:00Z'
      }
    },
    'GET /v1/entries': { query: { status: 'active', scope: 'establishment', limit: '10', offset: '0' } },
    'GET /v1/entries/:id': { params: { id: ctx.seedId } },
    'POST /v1/entries/:id/lift': { params: { id: ctx.liftable[0] ?? ctx.seedId }, body: { reason: 'Person asked for contact again' } },
    'GET /v1/audit': { query: { limit: '5', action: 'entry.create' } },
    'GET /v1/feed': { query: { since: '0', limit: '10' } },
    'GET /v1/sync': {},
    'POST /v1/sync': {},
    'GET /v1/sync/held': {},
    'POST /v1/sync/held/release': { body: { ids: [1], reason: 'Checked with the national hub' } },
    'POST /v1/sync/held/discard': { body: { all: true, reason: 'The hub sent these by mistake' } },
    'POST /v1/prisoners/:prisoner/transfer': { params: { prisoner: 'E5678FG' }, body: { to: 'LEI' } },
    'GET /assets/*': { params: { '*': 'upc.css' } }
  }
}

// ---- the descriptor ----------------------------------------------------------------------------

/** A value that stands for something too big to generate: made when the request is built. */
type Big = { big: 'string', size: number, char: string } | { big: 'nest', depth: number, open: '[' | '{"a":' }

type Op =
  | { op: 'drop', at: number }
  | { op: 'add', at: number, key: string, value: unknown }
  | { op: 'set', at: number, value: unknown }
  | { op: 'big', at: number, value: Big }
  | { op: 'flood', at: number, copies: number }
  /** a new string where a string is: the type stays right, so the text reaches the normalisers */
  | { op: 'text', at: number, value: string }

type BodyDesc =
  | { kind: 'none' }
  | { kind: 'sample', ops: Op[], text: TextOp[] }
  | { kind: 'json', value: unknown }
  | { kind: 'text', text: string }
  | { kind: 'bytes', bytes: Uint8Array }
  | { kind: 'deep', depth: number, open: '[' | '{"a":', inField: boolean }
  | { kind: 'empty', text: '' | ' ' | '\n' | 'null' | '""' | '0' }

type TextOp =
  | { op: 'proto', key: '__proto__' | 'constructor' | 'prototype', nested: boolean }
  | { op: 'dupKey', at: number }
  | { op: 'badUtf8', at: number, bytes: readonly number[] }
  | { op: 'truncate', at: number }
  | { op: 'bom' }
  | { op: 'trailing', junk: string }

export interface RequestDesc {
  route: RouteRule
  method: string
  params: Record<string, ParamDesc>
  query: QueryOp[]
  auth: AuthDesc
  contentType: string | null
  body: BodyDesc
  headers: Record<string, string>
}

type ParamDesc = { kind: 'sample' } | { kind: 'raw', text: string } | { kind: 'encoded', text: string } | { kind: 'uuid', value: string }
type QueryOp =
  | { op: 'drop', at: number }
  | { op: 'set', at: number, value: string, raw: boolean }
  | { op: 'add', key: string, value: string, raw: boolean }
  | { op: 'dup', at: number, value: string }
  | { op: 'junk', text: string }
type AuthDesc = { kind: 'right' } | { kind: 'none' } | { kind: 'role', role: string } | { kind: 'header', value: string }

// ---- arbitraries -------------------------------------------------------------------------------

const KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', 'phone', 'email',
  'address', 'items', 'lines', 'postcode', 'channel', 'prisoner', 'recipient', 'reason', 'scope', 'phones', 'emails',
  'addresses', 'establishment', 'expiresAt', 'to', 'id', 'decision', '$ref', 'a'.repeat(300)]

const STRINGS = ['', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\udbff', '\u202e07700 900123', '\ufeff', '\u200b', '𝔘𝔓ℭ',
  'A1234BC', 'a1234bc', 'HLI', 'LEI', BLOCKED.phone, BLOCKED.email, BLOCKED.address, 'Jane Doe', '+44 (0)7700 900123',
  '2026-13-45T99:99:99Z', '2026-02-30T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', 'null', 'NaN',
  '00000000-0000-4000-8000-000000000000', '../../etc/passwd', '%00', '%E0%A4', '<script>alert(1)</script>',
  "'; DROP TABLE entries; --", '{"$gt":""}', '0'.repeat(70), 'x'.repeat(2001), 'LS1 4AP', 'l51 4ap', 'example.org',
  '@', 'a@', '@b', 'a@b@c', 'user@[127.0.0.1]', 'xn--80ak6aa92e.com', 'пример@пример.рф', 'UPC-2026-000123']

const scalar = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, 0, -1, 1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER),
  fc.constantFrom(...STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer()
)

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 4 }) }
)

const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KEYS) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) })

function bigArb (bodyLimit: number): fc.Arbitrary<Big> {
  return fc.oneof(
    fc.record({
      big: fc.constant('string' as const),
      size: fc.constantFrom(65, 201, 321, 1001, 2001, 65_536, bodyLimit - 200, bodyLimit + 10),
      char: fc.constantFrom('x', '0', '7', ' ', '\u00e9', '\ud83d\ude00', '\\u0000', '\\ud800', '\\"')
    }),
    fc.record({ big: fc.constant('nest' as const), depth: fc.constantFrom(10, 100, 1000, 10_000, 100_000), open: fc.constantFrom('[' as const, '{"a":' as const) })
  )
}

function opArb (bodyLimit: number): fc.Arbitrary<Op> {
  const at = fc.nat()
  return fc.oneof(
    fc.record({ op: fc.constant('drop' as const), at }),
    fc.record({ op: fc.constant('add' as const), at, key, value }),
    fc.record({ op: fc.constant('set' as const), at, value }),
    { weight: 1, arbitrary: fc.record({ op: fc.constant('big' as const), at, value: bigArb(bodyLimit) }) },
    fc.record({ op: fc.constant('flood' as const), at, copies: fc.constantFrom(2, 13, 51, 251, 1001) }),
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant('text' as const),
        at,
        value: fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 }), fc.constantFrom(...STRINGS),
          fc.constantFrom('+44 (0) 7700-900.123', '0113 496 0999', 'sam.fixture+tag@example.org', 'J.A.N.E@googlemail.com', 'LS1 4AP', 'ls14ap', 'L51 4AP'))
      })
    }
  )
}

const textOpArb: fc.Arbitrary<TextOp> = fc.oneof(
  fc.record({ op: fc.constant('proto' as const), key: fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const), nested: fc.boolean() }),
  fc.record({ op: fc.constant('dupKey' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('badUtf8' as const),
    at: fc.nat(),
    bytes: fc.constantFrom([0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0x00], [0xf4, 0x90, 0x80, 0x80])
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('bom' as const) }),
  fc.record({ op: fc.constant('trailing' as const), junk: fc.constantFrom(',', '}', ']', ' garbage', '\u0000', '{}', '\n{"a":1}') })
)

function bodyArb (bodyLimit: number): fc.Arbitrary<BodyDesc> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('sample' as const), ops: fc.constant([] as Op[]), text: fc.constant([] as TextOp[]) }) },
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('sample' as const), ops: fc.array(opArb(bodyLimit), { minLength: 1, maxLength: 3 }), text: fc.constant([] as TextOp[]) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('sample' as const), ops: fc.array(opArb(bodyLimit), { maxLength: 2 }), text: fc.array(textOpArb, { minLength: 1, maxLength: 2 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue({ maxDepth: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), text: fc.string({ unit: 'binary', maxLength: 200 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), depth: fc.constantFrom(1000, 10_000, 100_000), open: fc.constantFrom('[' as const, '{"a":' as const), inField: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('empty' as const), text: fc.constantFrom('' as const, ' ' as const, '\n' as const, 'null' as const, '""' as const, '0' as const) }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) }
  )
}

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16',
  'application/json; charset=latin1', 'APPLICATION/JSON', 'application/json;charset="utf-8"', 'application/jsonx', 'application/json;;',
  'application/problem+json', 'application/*', '*/*', 'json', ' application/json', 'application/json; a=b; a=c', 'text/html', 'application/octet-stream']

const contentTypeArb = fc.oneof(
  { weight: 16, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }
)

const WEIRD_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'SEARCH', 'LOCK', 'MKCOL', 'COPY', 'GET', 'POST', 'HEAD']

const JUNK_PARAMS = ['%', '%ZZ', '%E0%A4', '%00', '..', '%2e%2e', '%2e%2e%2f%2e%2e%2fpackage.json', '__proto__', 'constructor', 'a'.repeat(101),
  '07700%20900123', '%F0%9F%98%80', '%ED%A0%80', '%C0%AF', ';', '..%2f..%2f', '%252e', 'A1234BC%00', '']

const paramArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'sample' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('raw' as const), text: fc.constantFrom(...JUNK_PARAMS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('encoded' as const), text: fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.constantFrom(...STRINGS)) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('uuid' as const), value: fc.uuid() }) }
)

const JUNK_QUERY = ['%', '%ZZ', '%E0%A4', '%00', '&&', '=', '==', '=x', 'a==b', ';', '&=&', '__proto__=1', '__proto__[admin]=1',
  'constructor[prototype][x]=1', 'constructor.prototype.x=1', 'limit[]=1', 'limit[$gt]=0', `x=${'y'.repeat(5000)}`, '%F0%9F', '+++', '#frag']

const queryOpArb: fc.Arbitrary<QueryOp> = fc.oneof(
  fc.record({ op: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...STRINGS), fc.string({ unit: 'binary', maxLength: 30 }), fc.integer().map(String)), raw: fc.boolean() }),
  fc.record({ op: fc.constant('add' as const), key: fc.constantFrom('prisoner', 'number', 'since', 'limit', 'offset', 'status', '__proto__', 'constructor', 'x', 'email', ''), value: fc.constantFrom(...STRINGS), raw: fc.boolean() }),
  fc.record({ op: fc.constant('dup' as const), at: fc.nat(), value: fc.constantFrom(...STRINGS) }),
  fc.record({ op: fc.constant('junk' as const), text: fc.constantFrom(...JUNK_QUERY) })
)

function authArb (tokens: Record<string, string>): fc.Arbitrary<AuthDesc> {
  const some = Object.values(tokens)[0] ?? 'x'
  return fc.oneof(
    { weight: 34, arbitrary: fc.constant({ kind: 'right' as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('role' as const), role: fc.constantFrom(...Object.keys(tokens)) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('header' as const),
        value: fc.oneof(
          fc.constantFrom('Bearer', 'Bearer ', `Bearer ${'x'.repeat(600)}`, `Bearer ${'a'.repeat(20_000)}`, `Basic ${some}`, `Bearer ${some} ${some}`,
            `bearer ${some}`, `BEARER  ${some}`, `Bearer\t${some}`, `Bearer ${some}\u00e9`, `Bearer ${some.slice(0, -1)}`, some, '', ' ', 'Bearer null', 'Bearer undefined'),
          fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((text) => `Bearer ${text}`)
        )
      })
    }
  )
}

const headersArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant({} as Record<string, string>) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom('x-forwarded-for', 'accept', 'accept-encoding', 'content-encoding', 'x-request-id', 'x-long', 'origin', 'cookie', 'if-none-match', 'range', 'expect', 'content-language'),
      fc.constantFrom('text/html', 'gzip', 'br', '*/*', '198.51.100.7, 203.0.113.9', 'null', 'y'.repeat(20_000), 'bytes=0-0', '100-continue', 'a=b; c=d', '"x"', '\u00e9\u00e8'),
      { minKeys: 1, maxKeys: 3 }
    )
  }
)

/** One hostile request for one of `routes` (any route the daemon registers, new ones included). */
export function requestArb (routes: readonly RouteRule[], ctx: FuzzContext): fc.Arbitrary<RequestDesc> {
  // The API routes three times as often as the pages, their assets and the HEAD copies.
  const weighted = routes.flatMap((route) => (route.method === 'HEAD' || route.auth === 'none' ? [route] : [route, route, route]))
  return fc.constantFrom(...weighted).chain((route) => {
    const names = paramNames(route.url)
    return fc.record({
      route: fc.constant(route),
      method: fc.oneof({ weight: 19, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: fc.constantFrom(...WEIRD_METHODS) }),
      params: fc.record(Object.fromEntries(names.map((name) => [name, paramArb])) as Record<string, typeof paramArb>),
      query: fc.oneof({ weight: 3, arbitrary: fc.constant([] as QueryOp[]) }, { weight: 2, arbitrary: fc.array(queryOpArb, { minLength: 1, maxLength: 4 }) }),
      auth: authArb(ctx.tokens),
      contentType: contentTypeArb,
      body: route.method === 'POST'
        ? bodyArb(ctx.bodyLimit)
        : fc.oneof({ weight: 9, arbitrary: fc.constant({ kind: 'none' as const } as BodyDesc) }, { weight: 1, arbitrary: bodyArb(ctx.bodyLimit) }),
      headers: headersArb
    })
  })
}

function paramNames (url: string): string[] {
  return url.split('/').filter((part) => part.startsWith(':') || part === '*').map((part) => (part === '*' ? '*' : part.slice(1)))
}

// ---- building the bytes ------------------------------------------------------------------------

export interface BuiltRequest {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string | Buffer
  /** the JSON object the server will see, when the body is plain JSON text of an object */
  parsed?: unknown
  /** the query string's values as the server will see them, when it is plain */
  query?: URLSearchParams
  summary: string
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) goes out as raw text. */
function encode (text: string): string {
  try {
    return encodeURIComponent(text)
  } catch {
    return text.replace(/[^\x21-\x7e]/g, '_')
  }
}

/** Every object and array in a JSON value, depth first, for ops to pick from. */
function containers (root: unknown): Array<Record<string, unknown> | unknown[]> {
  const out: Array<Record<string, unknown> | unknown[]> = []
  const walk = (node: unknown) => {
    if (typeof node !== 'object' || node === null) return
    out.push(node as Record<string, unknown>)
    for (const inner of Object.values(node)) walk(inner)
  }
  walk(root)
  return out
}

const BIG_MARK = '\u0001big:'

function applyOps (sample: unknown, ops: Op[], bigs: Big[]): unknown {
  const root = structuredClone(sample ?? {})
  for (const op of ops) {
    const all = containers(root)
    const target = all[op.at % Math.max(all.length, 1)]
    if (target === undefined) continue
    const keys = Object.keys(target)
    const pick = keys[op.at % Math.max(keys.length, 1)]
    switch (op.op) {
      case 'drop':
        if (pick !== undefined) {
          if (Array.isArray(target)) target.splice(Number(pick), 1)
          else delete target[pick]
        }
        break
      case 'add':
        if (Array.isArray(target)) target.push(op.value)
        else Object.defineProperty(target, op.key, { value: op.value, enumerable: true, writable: true, configurable: true })
        break
      case 'set':
        if (pick !== undefined) (target as Record<string, unknown>)[pick] = op.value
        break
      case 'big':
        if (pick !== undefined) {
          (target as Record<string, unknown>)[pick] = `${BIG_MARK}${bigs.length}`
          bigs.push(op.value)
        }
        break
      case 'text': {
        const strings = keys.filter((k) => typeof (target as Record<string, unknown>)[k] === 'string')
        const name = strings[op.at % Math.max(strings.length, 1)]
        if (name !== undefined) (target as Record<string, unknown>)[name] = op.value
        break
      }
      case 'flood':
        // Past the schema's maxItems (a batch of 1000, 50 phones), but not past the body limit by much.
        if (Array.isArray(target) && target.length > 0) {
          const copy = [...target]
          for (let i = 1; i < op.copies && target.length < 5000; i++) target.push(...copy)
        }
        break
    }
  }
  return root
}

function bigText (big: Big): string {
  if (big.big === 'nest') return big.open === '[' ? '['.repeat(big.depth) + ']'.repeat(big.depth) : '{"a":'.repeat(big.depth) + '1' + '}'.repeat(big.depth)
  const unit = big.char
  return '"' + unit.repeat(Math.ceil(big.size / unit.length)) + '"'
}

function applyTextOps (text: string, ops: TextOp[]): string | Buffer {
  let out: string | Buffer = text
  for (const op of ops) {
    const current: string = typeof out === 'string' ? out : out.toString('latin1')
    switch (op.op) {
      case 'proto': {
        const inject = `"${op.key}":${op.key === 'constructor' ? '{"prototype":{"polluted":true}}' : '{"polluted":true,"roles":["admin"]}'}`
        if (op.nested) {
          const inner: number = current.indexOf('{', 1)
          out = inner > 0 ? `${current.slice(0, inner + 1)}${inject},${current.slice(inner + 1)}` : `{${inject}}`
        } else {
          out = current.startsWith('{') ? `{${inject},${current.slice(1)}` : `{${inject},"x":${current}}`
        }
        break
      }
      case 'dupKey': {
        const match = [...current.matchAll(/"([a-zA-Z]+)":("[^"]*"|\d+|true|false|null)/g)]
        const pick = match[op.at % Math.max(match.length, 1)]
        if (pick !== undefined && current.startsWith('{')) out = `{${pick[0]},${current.slice(1)}`.replace(/,}$/, '}')
        break
      }
      case 'badUtf8': {
        // Just after a quote: inside a string value or a key, where a parser meets it as text.
        const quotes = current.slice(0, 10_000).split('"').length - 1
        let at = -1
        for (let n = op.at % Math.max(quotes, 1); n >= 0; n--) at = current.indexOf('"', at + 1)
        const cut = Buffer.byteLength(current.slice(0, at + 1))
        const bytes = Buffer.from(current, 'utf8')
        out = Buffer.concat([bytes.subarray(0, cut), Buffer.from(op.bytes), bytes.subarray(cut)])
        break
      }
      case 'truncate':
        out = current.slice(0, op.at % Math.max(current.length, 1))
        break
      case 'bom':
        out = '\ufeff' + current
        break
      case 'trailing':
        out = current + op.junk
        break
    }
  }
  return out
}

function bodyFor (desc: BodyDesc, sample: unknown): { payload?: string | Buffer, parsed?: unknown, what: string } {
  switch (desc.kind) {
    case 'none': return { what: 'no body' }
    case 'empty': return { payload: desc.text, what: `empty ${JSON.stringify(desc.text)}` }
    case 'json': return { payload: JSON.stringify(desc.value) ?? 'null', what: 'random JSON' }
    case 'text': return { payload: desc.text, what: 'random text' }
    case 'bytes': return { payload: Buffer.from(desc.bytes), what: 'random bytes' }
    case 'deep': {
      const nest = desc.open === '[' ? '['.repeat(desc.depth) + ']'.repeat(desc.depth) : '{"a":'.repeat(desc.depth) + '1' + '}'.repeat(desc.depth)
      return { payload: desc.inField ? `{"channel":"phone","prisoner":"A1234BC","phone":${nest}}` : nest, what: `nesting ${desc.depth} ${desc.open}` }
    }
    case 'sample': {
      const bigs: Big[] = []
      const value = applyOps(sample, desc.ops, bigs)
      let text = JSON.stringify(value) ?? 'null'
      // JSON.stringify writes the \u0001 of the mark as an escape.
      text = text.replace(/"\\u0001big:(\d+)"/g, (_all, i: string) => bigText(bigs[Number(i)] as Big))
      const what = `sample ${desc.ops.map((op) => op.op).join('+') || 'as is'}${desc.text.length > 0 ? ' text ' + desc.text.map((op) => op.op).join('+') : ''}`
      if (desc.text.length > 0) return { payload: applyTextOps(text, desc.text), what }
      return { payload: text, parsed: bigs.length === 0 ? value : undefined, what }
    }
  }
}

function queryFor (sample: Record<string, string> | undefined, ops: QueryOp[]): { text: string, plain: boolean } {
  const pairs: Array<[string, string, boolean]> = Object.entries(sample ?? {}).map(([k, v]) => [k, v, false])
  const junk: string[] = []
  let plain = true
  for (const op of ops) {
    switch (op.op) {
      case 'drop': pairs.splice(op.at % Math.max(pairs.length, 1), 1); break
      case 'set': {
        const pair = pairs[op.at % Math.max(pairs.length, 1)]
        if (pair !== undefined) { pair[1] = op.value; pair[2] = op.raw; if (op.raw) plain = false }
        break
      }
      case 'add': pairs.push([op.key, op.value, op.raw]); if (op.raw) plain = false; break
      case 'dup': {
        const pair = pairs[op.at % Math.max(pairs.length, 1)]
        if (pair !== undefined) pairs.push([pair[0], op.value, false])
        break
      }
      case 'junk': junk.push(op.text); plain = false; break
    }
  }
  const parts = pairs.map(([k, v, raw]) => `${encode(k)}=${raw ? v.replace(/[\s#]/g, '+') : encode(v)}`)
  return { text: [...parts, ...junk].join('&'), plain }
}

const samplesOf = new WeakMap<FuzzContext, Record<string, Sample>>()

export function buildRequest (desc: RequestDesc, ctx: FuzzContext): BuiltRequest {
  const key = `${desc.route.method} ${desc.route.url}`
  let known = samplesOf.get(ctx)
  if (known === undefined) samplesOf.set(ctx, known = samples(ctx))
  const sample = known[key] ?? {}
  let path = desc.route.url
  for (const [name, param] of Object.entries(desc.params)) {
    const text = param.kind === 'sample'
      ? encode(sample.params?.[name] ?? 'x')
      : param.kind === 'raw' ? param.text : param.kind === 'uuid' ? param.value : encode(param.text)
    path = name === '*' ? path.replace('*', text) : path.replace(`:${name}`, text)
  }
  const query = queryFor(sample.query, desc.query)
  const url = query.text === '' ? path : `${path}?${query.text}`
  const headers: Record<string, string> = { ...desc.headers }
  const rule = desc.route.auth
  if (desc.auth.kind === 'right' && rule !== 'none' && ctx.tokens[rule] !== undefined) headers.authorization = `Bearer ${ctx.tokens[rule]}`
  if (desc.auth.kind === 'role') headers.authorization = `Bearer ${ctx.tokens[desc.auth.role] ?? ''}`
  if (desc.auth.kind === 'header') headers.authorization = desc.auth.value
  const body = bodyFor(desc.body, sample.body)
  if (body.payload !== undefined && desc.contentType !== null) headers['content-type'] = desc.contentType
  const plainJson = desc.contentType === 'application/json' && body.parsed !== undefined
  return {
    method: desc.method,
    url,
    headers,
    ...(body.payload === undefined ? {} : { payload: body.payload }),
    ...(plainJson ? { parsed: body.parsed } : {}),
    ...(query.plain && !url.includes('#') ? { query: new URLSearchParams(query.text) } : {}),
    summary: `${desc.method} ${url.slice(0, 120)} auth=${desc.auth.kind} type=${desc.contentType ?? '-'} body=${body.what} (${body.payload?.length ?? 0} bytes)`
  }
}
