import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import cron from 'node-cron'
import { PUBLISHED_TOKENS, weakTokenReason } from './domain/weak-token.js'
import { publicKeyFrom } from './domain/feed-signature.js'
import { ajv, describeError } from './schemas/ajv.js'
import { configSchema, rawClientsSchema } from './schemas/config.js'
import type { Client, Config, RawClient } from './schemas/config.js'
import { TlsFileError, serverTls, upstreamTls } from './tls-files.js'

export type { Config, Client, Role } from './schemas/config.js'

/** Thrown for any bad configuration: the message is the one line start-up prints. */
export class ConfigError extends Error {}

const validateConfig = ajv.compile<Config>(configSchema)
const validateRawClients = ajv.compile<RawClient[]>(rawClientsSchema)

/** Environment variables and the config keys they set (docs/CONFIGURATION.md). */
const ENV_KEYS: Record<string, { path: string[], type: 'string' | 'integer' | 'boolean' }> = {
  UPC_HOST: { path: ['host'], type: 'string' },
  UPC_PORT: { path: ['port'], type: 'integer' },
  UPC_DB: { path: ['db'], type: 'string' },
  UPC_ROLE: { path: ['role'], type: 'string' },
  UPC_ESTABLISHMENT: { path: ['establishment'], type: 'string' },
  UPC_SYNC_CRON: { path: ['sync', 'cron'], type: 'string' },
  UPC_LOG_LEVEL: { path: ['logLevel'], type: 'string' },
  UPC_KEY_FILE: { path: ['keyFile'], type: 'string' },
  UPC_POLICY_PORT: { path: ['policy', 'port'], type: 'integer' },
  UPC_POLICY_PRISONER_FROM: { path: ['policy', 'prisonerFrom'], type: 'string' },
  UPC_POLICY_IDLE_TIMEOUT_MS: { path: ['policy', 'idleTimeoutMs'], type: 'integer' },
  UPC_POLICY_REQUEST_TIMEOUT_MS: { path: ['policy', 'requestTimeoutMs'], type: 'integer' },
  UPC_POLICY_MAX_REQUEST_BYTES: { path: ['policy', 'maxRequestBytes'], type: 'integer' },
  UPC_POLICY_MAX_CONNECTIONS: { path: ['policy', 'maxConnections'], type: 'integer' },
  UPC_POLICY_MAX_CONNECTIONS_PER_SOURCE: { path: ['policy', 'maxConnectionsPerSource'], type: 'integer' },
  UPC_HTTP_REQUEST_TIMEOUT_MS: { path: ['http', 'requestTimeoutMs'], type: 'integer' },
  UPC_HTTP_HEADERS_TIMEOUT_MS: { path: ['http', 'headersTimeoutMs'], type: 'integer' },
  UPC_HTTP_IDLE_TIMEOUT_MS: { path: ['http', 'idleTimeoutMs'], type: 'integer' },
  UPC_HTTP_KEEP_ALIVE_TIMEOUT_MS: { path: ['http', 'keepAliveTimeoutMs'], type: 'integer' },
  UPC_HTTP_MAX_CONNECTIONS: { path: ['http', 'maxConnections'], type: 'integer' },
  UPC_RETENTION_DAYS: { path: ['retention', 'afterLiftDays'], type: 'integer' },
  UPC_RETENTION_CRON: { path: ['retention', 'cron'], type: 'string' },
  UPC_DATA_KEY_FILE: { path: ['dataKeyFile'], type: 'string' },
  UPC_DATA_KEY: { path: ['dataKey'], type: 'string' },
  UPC_AUTH_FAILURES_MAX: { path: ['http', 'authFailures', 'max'], type: 'integer' },
  UPC_AUTH_FAILURES_WINDOW_MS: { path: ['http', 'authFailures', 'timeWindowMs'], type: 'integer' },
  UPC_UPSTREAM_URL: { path: ['upstream', 'url'], type: 'string' },
  UPC_UPSTREAM_CA_FILE: { path: ['upstream', 'caFile'], type: 'string' },
  UPC_UPSTREAM_CERT_FILE: { path: ['upstream', 'certFile'], type: 'string' },
  UPC_UPSTREAM_KEY_FILE: { path: ['upstream', 'keyFile'], type: 'string' },
  UPC_UPSTREAM_ALLOW_INSECURE_HTTP: { path: ['upstream', 'allowInsecureHttp'], type: 'boolean' },
  UPC_TLS_CERT_FILE: { path: ['http', 'tls', 'certFile'], type: 'string' },
  UPC_TLS_KEY_FILE: { path: ['http', 'tls', 'keyFile'], type: 'string' },
  UPC_TLS_CLIENT_CA_FILE: { path: ['http', 'tls', 'clientCaFile'], type: 'string' },
  UPC_TLS_REQUIRE_CLIENT_CERT: { path: ['http', 'tls', 'requireClientCert'], type: 'boolean' },
  UPC_FEED_SIGNING_KEY_FILE: { path: ['feedSigning', 'keyFile'], type: 'string' },
  UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: { path: ['upstream', 'insecureUnsignedFeed'], type: 'boolean' },
  UPC_SYNC_MAX_REMOVALS: { path: ['sync', 'removalBrake', 'maxRemovals'], type: 'integer' },
  UPC_SYNC_MAX_REMOVALS_PERCENT: { path: ['sync', 'removalBrake', 'percent'], type: 'integer' },
  UPC_REQUESTS_NATION: { path: ['requests', 'nation'], type: 'string' },
  UPC_ALERTS_ENABLED: { path: ['alerts', 'enabled'], type: 'boolean' },
  UPC_ALERTS_PAGE_URL: { path: ['alerts', 'pageUrl'], type: 'string' },
  UPC_ALERTS_RELAY_WINDOW_MINUTES: { path: ['alerts', 'relay', 'windowMinutes'], type: 'integer' },
  UPC_ALERTS_RELAY_PRISONERS: { path: ['alerts', 'relay', 'prisoners'], type: 'integer' },
  UPC_ALERTS_PERSISTENCE_WINDOW_MINUTES: { path: ['alerts', 'persistence', 'windowMinutes'], type: 'integer' },
  UPC_ALERTS_PERSISTENCE_ATTEMPTS: { path: ['alerts', 'persistence', 'attempts'], type: 'integer' },
  UPC_ALERTS_AFTER_NOTICE_GRACE_MINUTES: { path: ['alerts', 'afterNotice', 'graceMinutes'], type: 'integer' },
  UPC_ALERTS_WEBHOOK_URL: { path: ['alerts', 'webhook', 'url'], type: 'string' },
  UPC_ALERTS_WEBHOOK_SECRET: { path: ['alerts', 'webhook', 'secret'], type: 'string' },
  UPC_ALERTS_SMTP_HOST: { path: ['alerts', 'email', 'host'], type: 'string' },
  UPC_ALERTS_SMTP_PORT: { path: ['alerts', 'email', 'port'], type: 'integer' },
  UPC_ALERTS_EMAIL_FROM: { path: ['alerts', 'email', 'from'], type: 'string' }
}

const DEFAULT_FILE = new URL('../config/default.json', import.meta.url)

type Json = Record<string, unknown>

function isObject (value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Later sources win key by key; arrays and scalars are replaced whole. */
function merge (base: Json, over: Json): Json {
  const out: Json = { ...base }
  for (const [key, value] of Object.entries(over)) {
    const current = out[key]
    out[key] = isObject(current) && isObject(value) ? merge(current, value) : value
  }
  return out
}

function readJsonFile (file: string | URL, label: string): Json {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new ConfigError(`invalid configuration: ${label} cannot be read`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ConfigError(`invalid configuration: ${label} is not valid JSON`)
  }
  if (!isObject(parsed)) throw new ConfigError(`invalid configuration: ${label} must hold a JSON object`)
  return parsed
}

function setPath (target: Json, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) {
    const next = node[key]
    node[key] = isObject(next) ? { ...next } : {}
    node = node[key] as Json
  }
  node[path[path.length - 1] as string] = value
}

export function sha256Hex (text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

function clientsFromEnv (text: string): Client[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw new ConfigError('invalid configuration: UPC_TOKENS is not valid JSON')
  }
  if (!validateRawClients(parsed)) {
    throw new ConfigError(`invalid configuration: UPC_TOKENS ${describeError(validateRawClients.errors?.[0], 'value')}`)
  }
  for (const { name, token } of parsed) refuseWeakToken(token, `UPC_TOKENS client ${name}`)
  return parsed.map(({ token, ...rest }) => ({ ...rest, tokenSha256: sha256Hex(token) }))
}

const GENERATE = 'generate one with: openssl rand -hex 32'

/** A weak token stops start-up; the message names where it came from, never the token. */
function refuseWeakToken (token: string, where: string): void {
  const reason = weakTokenReason(token)
  if (reason !== null) throw new ConfigError(`invalid configuration: ${where}: the token ${reason}; ${GENERATE}`)
}

const PUBLISHED_HASHES = new Set(PUBLISHED_TOKENS.map(sha256Hex))

function envOverrides (env: NodeJS.ProcessEnv): Json {
  const out: Json = {}
  for (const [name, { path, type }] of Object.entries(ENV_KEYS)) {
    const raw = env[name]
    if (raw === undefined || raw === '') continue
    // A non-numeric port (or a boolean other than true and false) stays a string so that the schema names it.
    const value = type === 'integer' && /^-?\d+$/.test(raw)
      ? Number(raw)
      : type === 'boolean' && (raw === 'true' || raw === 'false') ? raw === 'true' : raw
    setPath(out, path, value)
  }
  if (env.UPC_UPSTREAM_URL !== undefined && env.UPC_UPSTREAM_URL !== '') {
    setPath(out, ['upstream', 'token'], env.UPC_UPSTREAM_TOKEN ?? '')
  }
  if (env.UPC_ALERTS_EMAIL_TO !== undefined && env.UPC_ALERTS_EMAIL_TO !== '') {
    setPath(out, ['alerts', 'email', 'to'], env.UPC_ALERTS_EMAIL_TO.split(',').map((to) => to.trim()).filter((to) => to !== ''))
  }
  // Comma-separated: neither a PEM text nor base64 holds a comma.
  if (env.UPC_UPSTREAM_PUBLIC_KEYS !== undefined && env.UPC_UPSTREAM_PUBLIC_KEYS !== '') {
    setPath(out, ['upstream', 'publicKeys'], env.UPC_UPSTREAM_PUBLIC_KEYS.split(',').map((key) => key.trim()).filter((key) => key !== ''))
  }
  return out
}

function deepFreeze<T> (value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

/**
 * config/default.json, then the file named by UPC_CONFIG, then UPC_* variables (docs/CONFIGURATION.md).
 * Throws ConfigError with one line naming the bad key.
 */
export function loadConfig (env: NodeJS.ProcessEnv): Readonly<Config> {
  let merged = readJsonFile(DEFAULT_FILE, 'config/default.json')
  if (env.UPC_CONFIG !== undefined && env.UPC_CONFIG !== '') {
    merged = merge(merged, readJsonFile(env.UPC_CONFIG, `UPC_CONFIG file ${env.UPC_CONFIG}`))
  }
  merged = merge(merged, envOverrides(env))
  if (env.UPC_TOKENS !== undefined && env.UPC_TOKENS !== '') {
    const fileClients = Array.isArray(merged.clients) ? merged.clients : []
    merged.clients = [...fileClients, ...clientsFromEnv(env.UPC_TOKENS)]
  }
  if (!validateConfig(merged)) {
    throw new ConfigError(`invalid configuration: ${describeError(validateConfig.errors?.[0], 'config', true)}${envHint(validateConfig.errors?.[0]?.instancePath)}`)
  }
  if (!cron.validate(merged.sync.cron)) throw new ConfigError('invalid configuration: sync.cron is not a valid cron expression (UPC_CONFIG file or UPC_SYNC_CRON)')
  if (!cron.validate(merged.retention.cron)) throw new ConfigError('invalid configuration: retention.cron is not a valid cron expression (UPC_CONFIG file or UPC_RETENTION_CRON)')
  if (merged.sync.failAfterSeconds < merged.sync.warnAfterSeconds) {
    throw new ConfigError('invalid configuration: sync.failAfterSeconds must not be below sync.warnAfterSeconds')
  }
  if (merged.http.headersTimeoutMs > merged.http.requestTimeoutMs) {
    // node refuses it too: the headers are part of the request
    throw new ConfigError('invalid configuration: http.headersTimeoutMs must not be above http.requestTimeoutMs (UPC_CONFIG file or UPC_HTTP_HEADERS_TIMEOUT_MS)')
  }
  const groups = captureGroups(merged.policy.prisonerFrom)
  if (groups !== 1) {
    throw new ConfigError(`invalid configuration: policy.prisonerFrom ${groups === null ? 'is not a valid regular expression' : `must have exactly one capture group, not ${groups}`} (UPC_CONFIG file or UPC_POLICY_PRISONER_FROM)`)
  }
  if (merged.upstream !== null && merged.upstream !== undefined) {
    const problem = upstreamUrlProblem(merged.upstream.url, merged.upstream.allowInsecureHttp === true)
    if (problem !== null) throw new ConfigError(`invalid configuration: upstream.url ${problem}${envHint('/upstream/url')}`)
  }
  try {
    upstreamTls(merged.upstream)
    serverTls(merged.http.tls)
  } catch (err) {
    if (err instanceof TlsFileError) throw new ConfigError(`invalid configuration: ${err.message}${envHint(`/${err.key.replaceAll('.', '/')}`)}`)
    throw err
  }
  const names = new Set<string>()
  // Two clients with one token would both be the first of them: the second's roles never apply.
  const tokens = new Map<string, string>()
  for (const client of merged.clients) {
    if (names.has(client.name)) throw new ConfigError(`invalid configuration: clients has the name ${client.name} twice`)
    names.add(client.name)
    const same = tokens.get(client.tokenSha256)
    if (same !== undefined) throw new ConfigError(`invalid configuration: clients ${same} and ${client.name} have the same token; give each client its own`)
    tokens.set(client.tokenSha256, client.name)
    if (PUBLISHED_HASHES.has(client.tokenSha256)) {
      throw new ConfigError(`invalid configuration: client ${client.name}: tokenSha256 is the hash of an empty, placeholder or published example token; ${GENERATE}`)
    }
  }
  if (merged.upstream !== null) refuseWeakToken(merged.upstream.token, 'upstream.token (UPC_CONFIG file or UPC_UPSTREAM_TOKEN)')
  checkFeedKeys(merged.upstream)
  checkAlertWebhook(merged.alerts.webhook)
  return deepFreeze(merged)
}

/** 127.0.0.0/8, ::1 and localhost: a host name as WHATWG URL gives it (IPv4 in dotted decimal, IPv6 in brackets). */
export function isLoopbackHost (hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

/**
 * Why an upstream URL may not be used, or null. A feed over plain HTTP can be rewritten by anything
 * on the network path (a proxy, a spoofed name), and a rewritten feed can lift every block: only
 * this machine's own loopback is exempt, or a test network where the operator says so.
 */
function upstreamUrlProblem (text: string, allowInsecureHttp: boolean): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'is not a valid URL'
  }
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname) || allowInsecureHttp) return null
  return 'must be https:// unless its host is this machine (127.0.0.0/8, ::1, localhost); on a test network, upstream.allowInsecureHttp allows plain http'
}

/**
 * An establishment with an upstream verifies every change of the hub's feed against the hub's
 * public keys, and refuses to start without one unless upstream.insecureUnsignedFeed says to apply
 * the feed unverified (each sync run then says so in the log).
 */
function checkFeedKeys (upstream: Config['upstream']): void {
  if (upstream === null) return
  const keys = upstream.publicKeys ?? []
  keys.forEach((text, i) => {
    try {
      publicKeyFrom(text)
    } catch {
      throw new ConfigError(`invalid configuration: upstream.publicKeys[${i}] is not an Ed25519 public key (PEM, or its 32 bytes in base64) (UPC_CONFIG file or UPC_UPSTREAM_PUBLIC_KEYS)`)
    }
  })
  if (keys.length === 0 && upstream.insecureUnsignedFeed !== true) {
    throw new ConfigError('invalid configuration: upstream.publicKeys must list the hub\'s feed signing key, or upstream.insecureUnsignedFeed be true to apply the feed unverified (UPC_CONFIG file, UPC_UPSTREAM_PUBLIC_KEYS or UPC_UPSTREAM_INSECURE_UNSIGNED_FEED)')
  }
}

/** A webhook is signed, so it needs its secret; its address is https unless it is this machine. */
function checkAlertWebhook (webhook: Config['alerts']['webhook']): void {
  if (webhook.url === null) return
  if (webhook.secret === null) {
    throw new ConfigError('invalid configuration: alerts.webhook.secret must be set when alerts.webhook.url is (UPC_CONFIG file or UPC_ALERTS_WEBHOOK_SECRET)')
  }
  let url: URL
  try {
    url = new URL(webhook.url)
  } catch {
    throw new ConfigError('invalid configuration: alerts.webhook.url is not a URL (UPC_CONFIG file or UPC_ALERTS_WEBHOOK_URL)')
  }
  if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
    throw new ConfigError('invalid configuration: alerts.webhook.url must be https:// unless its host is this machine (UPC_CONFIG file or UPC_ALERTS_WEBHOOK_URL)')
  }
}

/** How many capture groups a pattern has (null: it does not compile); an empty alternative always matches. */
function captureGroups (pattern: string): number | null {
  try {
    // Alone first: a trailing backslash fails alone but compiles with the `|` after it.
    RegExp(pattern)
    return (new RegExp(`${pattern}|`).exec('')?.length ?? 1) - 1
  } catch {
    return null
  }
}

function envHint (instancePath: string | undefined): string {
  if (instancePath === undefined) return ''
  const key = instancePath.replace(/^\//, '').split('/')
  for (const [name, { path }] of Object.entries(ENV_KEYS)) {
    if (path.join('.') === key.join('.')) return ` (UPC_CONFIG file or ${name})`
  }
  return ''
}
