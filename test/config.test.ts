import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig, sha256Hex } from '../src/config.js'
import { OPENSSL, makeTestPki } from './tls-certs.js'
import { publicKeyOf, testSigner } from './helper.js'

t.test('defaults come from config/default.json as docs/CONFIGURATION.md lists them', async (t) => {
  const config = loadConfig({})
  t.equal(config.host, '127.0.0.1')
  t.equal(config.port, 8080)
  t.equal(config.db, 'data/upc-guard.db')
  t.equal(config.role, 'establishment')
  t.equal(config.establishment, 'DEV')
  t.same(config.feedSigning, { keyFile: null }, 'a feed served unsigned until a key is given')
  t.equal(config.logLevel, 'info')
  t.equal(config.sync.cron, '*/1 * * * *')
  t.equal(config.upstream, null)
  t.same(config.clients, [])
  t.ok(Object.isFrozen(config) && Object.isFrozen(config.http), 'frozen')
})

t.test('file named by UPC_CONFIG overrides defaults; UPC_* variables override the file', async (t) => {
  const dir = t.testdir({
    'upc.json': JSON.stringify({
      port: 9000,
      establishment: 'LEI',
      logLevel: 'warn',
      clients: [{ name: 'pbx', roles: ['check'], tokenSha256: sha256Hex('pbx-d45ff638a81d3cbde68faf59') }],
      http: { rateLimit: { max: 5 } }
    })
  })
  const config = loadConfig({ UPC_CONFIG: join(dir, 'upc.json'), UPC_PORT: '9100', UPC_SYNC_CRON: '*/5 * * * *' })
  t.equal(config.port, 9100, 'env beats file')
  t.equal(config.establishment, 'LEI', 'file beats default')
  t.equal(config.logLevel, 'warn')
  t.equal(config.sync.cron, '*/5 * * * *')
  t.equal(config.http.rateLimit.max, 5)
  t.equal(config.http.rateLimit.timeWindowMs, 60000, 'nested defaults kept')
  t.equal(config.clients[0]?.name, 'pbx')
})

t.test('UPC_TOKENS gives raw tokens, kept only as SHA-256 hashes', async (t) => {
  const config = loadConfig({ UPC_TOKENS: JSON.stringify([{ name: 'pbx', roles: ['check'], token: 'pbx-d45ff638a81d3cbde68faf59' }]) })
  t.same(config.clients, [{ name: 'pbx', roles: ['check'], tokenSha256: sha256Hex('pbx-d45ff638a81d3cbde68faf59') }])
  t.notOk(JSON.stringify(config).includes('pbx-d45ff638a81d3cbde68faf59'), 'the raw token is not kept')
})

t.test('UPC_UPSTREAM_URL, UPC_UPSTREAM_TOKEN and UPC_UPSTREAM_PUBLIC_KEYS set the upstream', async (t) => {
  const keys = [publicKeyOf(testSigner(1)), publicKeyOf(testSigner(2))]
  const config = loadConfig({ UPC_UPSTREAM_URL: 'http://127.0.0.1:9999', UPC_UPSTREAM_TOKEN: 'c41e9a7f0b3d58e2a6f1c9d4', UPC_UPSTREAM_PUBLIC_KEYS: ` ${keys[0]}, ${keys[1]} ` })
  t.same(config.upstream, { url: 'http://127.0.0.1:9999', token: 'c41e9a7f0b3d58e2a6f1c9d4', publicKeys: keys })
})

t.test('an upstream without the hub\'s public key is refused unless the unsigned feed is named', async (t) => {
  const upstream = { UPC_UPSTREAM_URL: 'http://127.0.0.1:9999', UPC_UPSTREAM_TOKEN: 'c41e9a7f0b3d58e2a6f1c9d4' }
  const error = t.throws(() => loadConfig(upstream)) as Error
  t.ok(error instanceof ConfigError)
  t.match(error.message, /^invalid configuration: upstream\.publicKeys must list the hub's feed signing key, or upstream\.insecureUnsignedFeed be true/)
  const unsigned = loadConfig({ ...upstream, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true' })
  t.equal(unsigned.upstream?.insecureUnsignedFeed, true)
  t.match((t.throws(() => loadConfig({ ...upstream, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'false' })) as Error).message, /upstream\.publicKeys must list/)
  t.match((t.throws(() => loadConfig({ ...upstream, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'yes' })) as Error).message, /^invalid configuration: upstream/, 'anything but true or false is refused')
  const pem = createPublicKey(testSigner(3).privateKey).export({ format: 'pem', type: 'spki' }).toString()
  const dir = t.testdir({ 'pem.json': JSON.stringify({ upstream: { url: 'https://hub.example', token: 'c41e9a7f0b3d58e2a6f1c9d4', publicKeys: [pem] } }) })
  t.same(loadConfig({ UPC_CONFIG: join(dir, 'pem.json') }).upstream?.publicKeys, [pem], 'a PEM public key in a config file')
  for (const bad of ['not-a-key', Buffer.alloc(31, 1).toString('base64'), createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey).export({ format: 'pem', type: 'spki' }).toString()]) {
    const refused = t.throws(() => loadConfig({ ...upstream, UPC_UPSTREAM_PUBLIC_KEYS: `${publicKeyOf(testSigner(1))},${bad}` })) as Error
    t.match(refused.message, /^invalid configuration: upstream\.publicKeys\[1\] is not an Ed25519 public key/, 'names the key that is wrong')
  }
})

t.test('a bad value stops start-up with one line naming the key', async (t) => {
  const dir = t.testdir({ 'bad.json': '{ "port": ', 'unknown.json': '{"colour":"red"}', 'array.json': '[1]' })
  const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ UPC_PORT: 'eighty' }, /^invalid configuration: port must be integer \(UPC_CONFIG file or UPC_PORT\)$/],
    [{ UPC_PORT: '70000' }, /^invalid configuration: port must be <= 65535/],
    [{ UPC_ROLE: 'spoke' }, /^invalid configuration: role must be one of: establishment, hub /],
    [{ UPC_ESTABLISHMENT: 'hull' }, /^invalid configuration: establishment must match pattern/],
    [{ UPC_LOG_LEVEL: 'loud' }, /logLevel/],
    [{ UPC_TOKENS: 'not json' }, /^invalid configuration: UPC_TOKENS is not valid JSON$/],
    [{ UPC_TOKENS: '[{"name":"pbx","roles":["check"],"token":"short"}]' }, /^invalid configuration: UPC_TOKENS client pbx: the token is shorter than 24 characters; generate one with: openssl rand -hex 32$/],
    [{ UPC_TOKENS: '[{"name":"pbx","roles":["root"],"token":"pbx-d45ff638a81d3cbde68faf59"}]' }, /UPC_TOKENS 0\.roles\.0/],
    [{ UPC_TOKENS: '[{"name":"a","roles":["check"],"token":"pbx-d45ff638a81d3cbde68faf59"},{"name":"a","roles":["admin"],"token":"adm-cc8c42977fbfd8bca216bac9"}]' }, /name a twice/],
    [{ UPC_UPSTREAM_URL: 'ftp://hub' }, /upstream/],
    [{ UPC_CONFIG: join(dir, 'missing.json') }, /^invalid configuration: UPC_CONFIG file \/.*\/missing\.json cannot be read$/],
    [{ UPC_CONFIG: join(dir, 'bad.json') }, /^invalid configuration: UPC_CONFIG file \/.*\/bad\.json is not valid JSON$/],
    [{ UPC_CONFIG: join(dir, 'array.json') }, /must hold a JSON object/],
    [{ UPC_CONFIG: join(dir, 'unknown.json') }, /^invalid configuration: config has a field that is not allowed: colour; allowed: host, port, db, role, establishment, /]
  ]
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env)) as Error
    t.ok(error instanceof ConfigError, JSON.stringify(env))
    t.match(error.message, message)
    t.notMatch(error.message, /\n/, 'one line')
    t.notMatch(error.message, /0123456789/, 'no token in the message')
  }
})

t.test('weak tokens stop start-up with a message naming the client, never the token', async (t) => {
  const env = (name: string, token: string) => ({ UPC_TOKENS: JSON.stringify([{ name: 'spoc', roles: ['admin'], token: 'spoc-9e1f4c07a2d85b36e0c1' }, { name, roles: ['check'], token }]) })
  const cases: Array<[string, NodeJS.ProcessEnv, string, RegExp]> = [
    ['an old example of the docs', env('hli-spoc', 'hli-admin-token-change-me'), 'hli-admin-token-change-me', /^invalid configuration: UPC_TOKENS client hli-spoc: the token holds a placeholder word/],
    ['23 characters', env('pbx', 'k7Qm2xZp9LwR4tVb8NcY3hD'), 'k7Qm2xZp9LwR4tVb8NcY3hD', /client pbx: the token is shorter than 24 characters/],
    ['changeme inside', env('pbx', 'prison-CHANGEME-7f3a9c2e1b84'), 'prison-CHANGEME-7f3a9c2e1b84', /client pbx: the token holds a placeholder word/],
    ['password inside', env('pbx', 'Password1-for-the-pbx-2026'), 'Password1-for-the-pbx-2026', /placeholder word/],
    ['secret inside', env('pbx', 'our-secret-k7Qm2xZp9LwR4t'), 'our-secret-k7Qm2xZp9LwR4t', /placeholder word/],
    ['example inside', env('pbx', 'example-k7Qm2xZp9LwR4tVb8N'), 'example-k7Qm2xZp9LwR4tVb8N', /placeholder word/],
    ['one character', env('pbx', 'x'.repeat(40)), 'x'.repeat(40), /client pbx: the token is mostly one repeated character or a run/],
    ['a run of letters', env('pbx', 'abcdefghijklmnopqrstuvwxyz'), 'abcdefghijklmnopqrstuvwxyz', /mostly one repeated character or a run/],
    ['digits counting down', env('pbx', '98765432109876543210987654321'), '98765432109876543210987654321', /mostly one repeated character or a run/],
    ['mostly a run, a little else', env('pbx', 'hli-pbx-1234567890123456789012'), 'hli-pbx-1234567890123456789012', /mostly one repeated character or a run/],
    ['a short block repeated', env('pbx', 'k7Q2k7Q2k7Q2k7Q2k7Q2k7Q2k7Q2'), 'k7Q2k7Q2k7Q2k7Q2k7Q2k7Q2k7Q2', /client pbx: the token repeats one short block/],
    ['five different characters', env('pbx', 'xx7qxq7x77qzqxzqz7xzzx7zq'), 'xx7qxq7x77qzqxzqz7xzzx7zq', /client pbx: the token has fewer than 6 different characters/],
    ['the upstream token', { UPC_UPSTREAM_URL: 'http://127.0.0.1:8081', UPC_UPSTREAM_TOKEN: 'hli-feed-token-change-me' }, 'hli-feed-token-change-me', /^invalid configuration: upstream\.token \(UPC_CONFIG file or UPC_UPSTREAM_TOKEN\): the token holds a placeholder word/]
  ]
  for (const [what, environment, token, message] of cases) {
    const error = t.throws(() => loadConfig(environment), what) as Error
    t.ok(error instanceof ConfigError, what)
    t.match(error.message, message, what)
    t.match(error.message, /generate one with: openssl rand -hex 32$/, `${what}: says how to make a good one`)
    t.notOk(error.message.includes(token), `${what}: the token is not in the message`)
  }
  for (const token of ['3f9a0c7e51b2d8846e1fa03c59b7d2e6', 'Jq8vR2mXk5LwT0pZ-c4HsN7bYd1Fg6Ae9UiO3rKxVzM']) {
    t.doesNotThrow(() => loadConfig(env('pbx', token)), 'a random token of 32 hex, or 43 base64url, is fine')
  }
})

t.test('a config file may not hold the hash of an empty, placeholder or published example token', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'c.json')
  for (const token of ['', '\n', 'hub-admin-token-change-me', 'changeme', 'change-me-to-the-check-token']) {
    writeFileSync(file, JSON.stringify({ clients: [{ name: 'mailroom', roles: ['check'], tokenSha256: sha256Hex(token) }] }))
    const error = t.throws(() => loadConfig({ UPC_CONFIG: file })) as Error
    t.equal(error.message, 'invalid configuration: client mailroom: tokenSha256 is the hash of an empty, placeholder or published example token; generate one with: openssl rand -hex 32', JSON.stringify(token))
  }
  writeFileSync(file, JSON.stringify({ clients: [{ name: 'mailroom', roles: ['check'], tokenSha256: sha256Hex('3f9a0c7e51b2d8846e1fa03c59b7d2e6') }] }))
  t.equal(loadConfig({ UPC_CONFIG: file }).clients[0]?.name, 'mailroom', 'the hash of a random token is fine')
})

t.test('the failed-authentication limit: 20 a minute by default; UPC_AUTH_FAILURES_MAX and _WINDOW_MS set it', async (t) => {
  t.same(loadConfig({}).http.authFailures, { max: 20, timeWindowMs: 60000 })
  t.same(loadConfig({ UPC_AUTH_FAILURES_MAX: '5', UPC_AUTH_FAILURES_WINDOW_MS: '300000' }).http.authFailures, { max: 5, timeWindowMs: 300000 })
  t.throws(() => loadConfig({ UPC_AUTH_FAILURES_MAX: '0' }), /^invalid configuration: http\.authFailures\.max must be >= 1 \(UPC_CONFIG file or UPC_AUTH_FAILURES_MAX\)$/)
  t.throws(() => loadConfig({ UPC_AUTH_FAILURES_WINDOW_MS: 'a minute' }), /http\.authFailures\.timeWindowMs must be integer \(UPC_CONFIG file or UPC_AUTH_FAILURES_WINDOW_MS\)/)
})

t.test('hashed tokens in a config file must be SHA-256 hex', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'c.json')
  writeFileSync(file, JSON.stringify({ clients: [{ name: 'pbx', roles: ['check'], token: 'raw-token-0123456789' }] }))
  t.throws(() => loadConfig({ UPC_CONFIG: file }), /clients\.0 (has a field that is not allowed|must have required property 'tokenSha256')/)
})

t.test('policy: off by default; UPC_POLICY_PORT and UPC_POLICY_PRISONER_FROM set it; the pattern needs one capture group', async (t) => {
  const defaults = loadConfig({})
  t.same(defaults.policy, {
    port: null,
    host: '127.0.0.1',
    prisonerFrom: '^([A-Za-z][0-9]{4}[A-Za-z]{2})@',
    idleTimeoutMs: 330000,
    requestTimeoutMs: 10000,
    maxRequestBytes: 32768,
    maxConnections: 1024,
    maxConnectionsPerSource: 256
  })
  t.ok(defaults.policy.idleTimeoutMs > 300000, 'longer than Postfix\'s smtpd_policy_service_max_idle (300 s), so Postfix closes an idle connection first')
  t.equal(new RegExp(defaults.policy.prisonerFrom).exec('A1234BC@prison.example')?.[1], 'A1234BC', 'the default pattern takes the number')
  t.equal(new RegExp(defaults.policy.prisonerFrom).exec('staff@prison.example'), null)
  const set = loadConfig({ UPC_POLICY_PORT: '10031', UPC_POLICY_PRISONER_FROM: '^inmate\\.([^@]+)@' })
  t.equal(set.policy.port, 10031)
  t.equal(set.policy.prisonerFrom, '^inmate\\.([^@]+)@')
  t.equal(set.policy.host, '127.0.0.1', 'the rest kept')
  const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ UPC_POLICY_PORT: 'smtp' }, /^invalid configuration: policy\.port must be integer,null \(UPC_CONFIG file or UPC_POLICY_PORT\)$/],
    [{ UPC_POLICY_PORT: '65536' }, /^invalid configuration: policy\.port must be <= 65535/],
    [{ UPC_POLICY_PRISONER_FROM: '^([A-Z]' }, /^invalid configuration: policy\.prisonerFrom is not a valid regular expression \(UPC_CONFIG file or UPC_POLICY_PRISONER_FROM\)$/],
    [{ UPC_POLICY_PRISONER_FROM: 'x\\' }, /policy\.prisonerFrom is not a valid regular expression/],
    [{ UPC_POLICY_PRISONER_FROM: '^[A-Z][0-9]{4}@' }, /^invalid configuration: policy\.prisonerFrom must have exactly one capture group, not 0 /],
    [{ UPC_POLICY_PRISONER_FROM: '^(x)(y)@' }, /policy\.prisonerFrom must have exactly one capture group, not 2 /]
  ]
  t.equal(loadConfig({ UPC_POLICY_PRISONER_FROM: '^(?<n>x)(?:y)@' }).policy.prisonerFrom, '^(?<n>x)(?:y)@', 'a named group counts as one; a non-capturing group does not count')
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env)) as Error
    t.ok(error instanceof ConfigError, JSON.stringify(env))
    t.match(error.message, message)
    t.notMatch(error.message, /\n/, 'one line')
  }
})

t.test('retention: six years after a lift by default, nightly; UPC_RETENTION_DAYS and UPC_RETENTION_CRON override', async (t) => {
  const defaults = loadConfig({})
  t.same(defaults.retention, { afterLiftDays: 2192, cron: '17 3 * * *' }, '2192 days: six years of 365 days and two leap days')
  const set = loadConfig({ UPC_RETENTION_DAYS: '30', UPC_RETENTION_CRON: '0 4 * * 0' })
  t.same(set.retention, { afterLiftDays: 30, cron: '0 4 * * 0' })
  t.match((t.throws(() => loadConfig({ UPC_RETENTION_DAYS: '0' })) as Error).message, /^invalid configuration: retention\.afterLiftDays must be >= 1 \(UPC_CONFIG file or UPC_RETENTION_DAYS\)$/)
  t.match((t.throws(() => loadConfig({ UPC_RETENTION_DAYS: 'six years' })) as Error).message, /retention\.afterLiftDays must be integer/)
  t.match((t.throws(() => loadConfig({ UPC_RETENTION_CRON: 'every night ok' })) as Error).message, /^invalid configuration: retention\.cron is not a valid cron expression/)
})

t.test('the data key: a file beside the database by default, UPC_DATA_KEY_FILE, or UPC_DATA_KEY (64 hex)', async (t) => {
  const defaults = loadConfig({})
  t.equal(defaults.dataKeyFile, null)
  t.equal(defaults.dataKey, null)
  t.equal(loadConfig({ UPC_DATA_KEY_FILE: '/etc/upc/data.key' }).dataKeyFile, '/etc/upc/data.key')
  t.equal(loadConfig({ UPC_DATA_KEY: 'ab'.repeat(32) }).dataKey, 'ab'.repeat(32))
  const error = t.throws(() => loadConfig({ UPC_DATA_KEY: 'secretsecret' })) as Error
  t.match(error.message, /^invalid configuration: dataKey must match pattern .* \(UPC_CONFIG file or UPC_DATA_KEY\)$/)
  t.notMatch(error.message, /secretsecret/, 'the value is not echoed')
})

t.test('connection limits: defaults a prison can run with, each set by a UPC_* variable, checked at start', async (t) => {
  const defaults = loadConfig({})
  t.match(defaults.http, { requestTimeoutMs: 30000, headersTimeoutMs: 10000, idleTimeoutMs: 30000, keepAliveTimeoutMs: 65000, maxConnections: 2048 })
  const set = loadConfig({
    UPC_HTTP_REQUEST_TIMEOUT_MS: '5000',
    UPC_HTTP_HEADERS_TIMEOUT_MS: '2000',
    UPC_HTTP_IDLE_TIMEOUT_MS: '3000',
    UPC_HTTP_KEEP_ALIVE_TIMEOUT_MS: '4000',
    UPC_HTTP_MAX_CONNECTIONS: '100',
    UPC_POLICY_IDLE_TIMEOUT_MS: '400000',
    UPC_POLICY_REQUEST_TIMEOUT_MS: '6000',
    UPC_POLICY_MAX_REQUEST_BYTES: '4096',
    UPC_POLICY_MAX_CONNECTIONS: '200',
    UPC_POLICY_MAX_CONNECTIONS_PER_SOURCE: '50'
  })
  t.match(set.http, { requestTimeoutMs: 5000, headersTimeoutMs: 2000, idleTimeoutMs: 3000, keepAliveTimeoutMs: 4000, maxConnections: 100, bodyLimit: 1048576 })
  t.match(set.policy, { idleTimeoutMs: 400000, requestTimeoutMs: 6000, maxRequestBytes: 4096, maxConnections: 200, maxConnectionsPerSource: 50 })
  const cases: Array<[NodeJS.ProcessEnv, RegExp]> = [
    [{ UPC_HTTP_REQUEST_TIMEOUT_MS: '0' }, /^invalid configuration: http\.requestTimeoutMs must be >= 100 \(UPC_CONFIG file or UPC_HTTP_REQUEST_TIMEOUT_MS\)$/],
    [{ UPC_HTTP_MAX_CONNECTIONS: 'many' }, /^invalid configuration: http\.maxConnections must be integer \(UPC_CONFIG file or UPC_HTTP_MAX_CONNECTIONS\)$/],
    [{ UPC_HTTP_HEADERS_TIMEOUT_MS: '40000' }, /^invalid configuration: http\.headersTimeoutMs must not be above http\.requestTimeoutMs \(UPC_CONFIG file or UPC_HTTP_HEADERS_TIMEOUT_MS\)$/],
    [{ UPC_POLICY_MAX_CONNECTIONS_PER_SOURCE: '0' }, /^invalid configuration: policy\.maxConnectionsPerSource must be >= 1 \(UPC_CONFIG file or UPC_POLICY_MAX_CONNECTIONS_PER_SOURCE\)$/],
    [{ UPC_POLICY_MAX_REQUEST_BYTES: '100' }, /^invalid configuration: policy\.maxRequestBytes must be >= 1024 /]
  ]
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env)) as Error
    t.ok(error instanceof ConfigError, JSON.stringify(env))
    t.match(error.message, message)
  }
})

t.test('an upstream is https://, or plain http:// only to this machine or with upstream.allowInsecureHttp', async (t) => {
  const token = 'c41e9a7f0b3d58e2a6f1c9d4'
  for (const url of ['https://hub.example.org', 'https://10.0.0.5:8443', 'http://127.0.0.1:9999', 'http://127.8.9.10', 'http://[::1]:8081', 'http://localhost:8081', 'http://LOCALHOST']) {
    t.equal(loadConfig({ UPC_UPSTREAM_URL: url, UPC_UPSTREAM_TOKEN: token, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true' }).upstream?.url, url, url)
  }
  for (const url of ['http://hub.example.org', 'http://10.0.0.5:8081', 'http://127.0.0.1.example.org', 'http://localhost.example.org', 'http://[::2]']) {
    const error = t.throws(() => loadConfig({ UPC_UPSTREAM_URL: url, UPC_UPSTREAM_TOKEN: token, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true' })) as Error
    t.ok(error instanceof ConfigError, url)
    t.match(error.message, /^invalid configuration: upstream\.url must be https:\/\/ unless its host is this machine .*upstream\.allowInsecureHttp.* \(UPC_CONFIG file or UPC_UPSTREAM_URL\)$/, url)
    t.notMatch(error.message, /example|10\.0\.0\.5|::2/, 'the URL is not echoed')
  }
  const insecure = loadConfig({ UPC_UPSTREAM_URL: 'http://hub.example.org', UPC_UPSTREAM_TOKEN: token, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true', UPC_UPSTREAM_ALLOW_INSECURE_HTTP: 'true' })
  t.same(insecure.upstream, { url: 'http://hub.example.org', token, allowInsecureHttp: true, insecureUnsignedFeed: true }, 'allowed on a test network, when named')
  t.match((t.throws(() => loadConfig({ UPC_UPSTREAM_URL: 'http://hub.example.org', UPC_UPSTREAM_TOKEN: token, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true', UPC_UPSTREAM_ALLOW_INSECURE_HTTP: 'yes' })) as Error).message,
    /^invalid configuration: upstream\.allowInsecureHttp must be boolean \(UPC_CONFIG file or UPC_UPSTREAM_ALLOW_INSECURE_HTTP\)$/)
  t.match((t.throws(() => loadConfig({ UPC_UPSTREAM_URL: 'http://hub.example.org', UPC_UPSTREAM_TOKEN: token, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true', UPC_UPSTREAM_ALLOW_INSECURE_HTTP: 'false' })) as Error).message, /upstream\.url must be https/)
})

t.test('TLS files that cannot be used stop start-up naming the key, never showing the file', async (t) => {
  const dir = t.testdir({ 'secret.txt': 'not a certificate: SECRET-0123456789\n', 'key.txt': 'not a key: SECRET-0123456789\n' })
  const secret = join(dir, 'secret.txt')
  const missing = join(dir, 'missing.pem')
  const upstream = { UPC_UPSTREAM_URL: 'https://hub.example.org', UPC_UPSTREAM_TOKEN: 'c41e9a7f0b3d58e2a6f1c9d4', UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true' }
  const cases: Array<[NodeJS.ProcessEnv, string]> = [
    [{ ...upstream, UPC_UPSTREAM_CA_FILE: missing }, 'upstream.caFile cannot be read (UPC_CONFIG file or UPC_UPSTREAM_CA_FILE)'],
    [{ ...upstream, UPC_UPSTREAM_CA_FILE: secret }, 'upstream.caFile holds no PEM certificate (UPC_CONFIG file or UPC_UPSTREAM_CA_FILE)'],
    [{ ...upstream, UPC_UPSTREAM_CERT_FILE: secret }, 'upstream.certFile is set without upstream.keyFile (UPC_CONFIG file or UPC_UPSTREAM_KEY_FILE)'],
    [{ ...upstream, UPC_UPSTREAM_KEY_FILE: secret }, 'upstream.keyFile is set without upstream.certFile (UPC_CONFIG file or UPC_UPSTREAM_CERT_FILE)'],
    [{ UPC_TLS_CERT_FILE: missing, UPC_TLS_KEY_FILE: secret }, 'http.tls.certFile cannot be read (UPC_CONFIG file or UPC_TLS_CERT_FILE)'],
    [{ UPC_TLS_CERT_FILE: secret }, 'http.tls must have required property \'keyFile\'']
  ]
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env)) as Error
    t.ok(error instanceof ConfigError, message)
    t.equal(error.message, `invalid configuration: ${message}`)
    t.notMatch(error.message, /SECRET/, 'the file is not shown')
  }
})

t.test('TLS files that can be used: read, their pairs checked; client certificates need their CA', { skip: OPENSSL === null ? 'openssl is not installed' : false }, async (t) => {
  const pki = makeTestPki(t.testdir({ 'key.txt': 'not a key: SECRET-0123456789\n' }))
  const badKey = join(pki.hubCa, '..', 'key.txt')
  const upstream = { UPC_UPSTREAM_URL: 'https://hub.example.org', UPC_UPSTREAM_TOKEN: 'c41e9a7f0b3d58e2a6f1c9d4', UPC_UPSTREAM_CA_FILE: pki.hubCa, UPC_UPSTREAM_INSECURE_UNSIGNED_FEED: 'true' }
  const good = loadConfig({ ...upstream, UPC_UPSTREAM_CERT_FILE: pki.clientCert, UPC_UPSTREAM_KEY_FILE: pki.clientKey, UPC_TLS_CERT_FILE: pki.hubCert, UPC_TLS_KEY_FILE: pki.hubKey, UPC_TLS_CLIENT_CA_FILE: pki.clientCa, UPC_TLS_REQUIRE_CLIENT_CERT: 'true' })
  t.same(good.upstream, { url: 'https://hub.example.org', token: 'c41e9a7f0b3d58e2a6f1c9d4', caFile: pki.hubCa, certFile: pki.clientCert, keyFile: pki.clientKey, insecureUnsignedFeed: true })
  t.same(good.http.tls, { certFile: pki.hubCert, keyFile: pki.hubKey, clientCaFile: pki.clientCa, requireClientCert: true })
  t.equal(loadConfig({}).http.tls, null, 'plain HTTP by default')
  const cases: Array<[NodeJS.ProcessEnv, string]> = [
    [{ ...upstream, UPC_UPSTREAM_CERT_FILE: pki.clientCert, UPC_UPSTREAM_KEY_FILE: pki.hubKey }, 'upstream.keyFile is not the private key of upstream.certFile (UPC_CONFIG file or UPC_UPSTREAM_KEY_FILE)'],
    [{ ...upstream, UPC_UPSTREAM_CERT_FILE: pki.clientCert, UPC_UPSTREAM_KEY_FILE: badKey }, 'upstream.keyFile holds no unencrypted PEM private key (UPC_CONFIG file or UPC_UPSTREAM_KEY_FILE)'],
    [{ UPC_TLS_CERT_FILE: pki.hubCert, UPC_TLS_KEY_FILE: pki.hubKey, UPC_TLS_REQUIRE_CLIENT_CERT: 'true' }, 'http.tls.requireClientCert needs http.tls.clientCaFile (UPC_CONFIG file or UPC_TLS_CLIENT_CA_FILE)'],
    [{ UPC_TLS_CERT_FILE: pki.hubCert, UPC_TLS_KEY_FILE: pki.hubKey, UPC_TLS_CLIENT_CA_FILE: pki.clientCa }, 'http.tls.clientCaFile is set but http.tls.requireClientCert is not true (UPC_CONFIG file or UPC_TLS_REQUIRE_CLIENT_CERT)'],
    [{ UPC_TLS_CERT_FILE: pki.hubCert, UPC_TLS_KEY_FILE: pki.hubKey, UPC_TLS_CLIENT_CA_FILE: badKey, UPC_TLS_REQUIRE_CLIENT_CERT: 'true' }, 'http.tls.clientCaFile holds no PEM certificate (UPC_CONFIG file or UPC_TLS_CLIENT_CA_FILE)']
  ]
  for (const [env, message] of cases) {
    const error = t.throws(() => loadConfig(env)) as Error
    t.ok(error instanceof ConfigError, message)
    t.equal(error.message, `invalid configuration: ${message}`)
    t.notMatch(error.message, /SECRET|PRIVATE KEY/, 'no file shown')
  }
})

t.test('the brake on removals: 25 or 10% by default, from the file or UPC_SYNC_MAX_REMOVALS(_PERCENT)', async (t) => {
  t.same(loadConfig({}).sync.removalBrake, { maxRemovals: 25, percent: 10 })
  t.same(loadConfig({ UPC_SYNC_MAX_REMOVALS: '0', UPC_SYNC_MAX_REMOVALS_PERCENT: '5' }).sync.removalBrake, { maxRemovals: 0, percent: 5 }, '0: every removal waits for a person')
  t.match((t.throws(() => loadConfig({ UPC_SYNC_MAX_REMOVALS_PERCENT: '0' })) as Error).message, /sync\.removalBrake\.percent must be >= 1/)
  t.match((t.throws(() => loadConfig({ UPC_SYNC_MAX_REMOVALS: '-1' })) as Error).message, /sync\.removalBrake\.maxRemovals must be >= 0/)
  t.match((t.throws(() => loadConfig({ UPC_SYNC_MAX_REMOVALS: 'many' })) as Error).message, /sync\.removalBrake\.maxRemovals must be integer/)
})

t.test('two clients with the same token stop start-up, naming both clients and never the token', async (t) => {
  const token = '5b0e8c2f7a1d4936e8c0b7a2'
  const clients = JSON.stringify([{ name: 'pbx', roles: ['check'], token }, { name: 'spoc', roles: ['admin'], token }])
  const error = t.throws(() => loadConfig({ UPC_TOKENS: clients })) as Error
  t.ok(error instanceof ConfigError)
  t.equal(error.message, 'invalid configuration: clients pbx and spoc have the same token; give each client its own')
  t.notMatch(error.message, token)
  t.equal(loadConfig({ UPC_TOKENS: JSON.stringify([{ name: 'pbx', roles: ['check'], token }, { name: 'spoc', roles: ['admin'], token: '9d3a7e1c0f5b8246a1e7c3d9' }]) }).clients.length, 2, 'two tokens: both clients')
})

t.test('alerts: the rules\' defaults, env overrides, and a webhook that needs its secret and https', async (t) => {
  const alerts = loadConfig({}).alerts
  t.same([alerts.enabled, alerts.relay, alerts.persistence, alerts.afterNotice], [
    true,
    { enabled: true, windowMinutes: 10080, prisoners: 2 },
    { enabled: true, windowMinutes: 1440, attempts: 3 },
    { enabled: true, graceMinutes: 1440 }
  ])
  const set = loadConfig({
    UPC_ALERTS_PERSISTENCE_ATTEMPTS: '5',
    UPC_ALERTS_RELAY_WINDOW_MINUTES: '60',
    UPC_ALERTS_EMAIL_TO: 'security@hli.example.org, duty@hli.example.org'
  }).alerts
  t.equal(set.persistence.attempts, 5)
  t.equal(set.relay.windowMinutes, 60)
  t.same(set.email.to, ['security@hli.example.org', 'duty@hli.example.org'])
  t.match((t.throws(() => loadConfig({ UPC_ALERTS_RELAY_PRISONERS: '1' })) as Error).message, /alerts\.relay\.prisoners must be >= 2 \(UPC_CONFIG file or UPC_ALERTS_RELAY_PRISONERS\)/)
  t.match((t.throws(() => loadConfig({ UPC_ALERTS_WEBHOOK_URL: 'http://127.0.0.1:9/hook' })) as Error).message, /alerts\.webhook\.secret must be set/)
  const secret = 'q8WzJ3vN6rT1yB4mK7pL0sD5fH2gX9cA'
  t.match((t.throws(() => loadConfig({ UPC_ALERTS_WEBHOOK_URL: 'http://hooks.example.org/x', UPC_ALERTS_WEBHOOK_SECRET: secret })) as Error).message, /alerts\.webhook\.url must be https/)
  t.equal(loadConfig({ UPC_ALERTS_WEBHOOK_URL: 'https://hooks.example.org/x', UPC_ALERTS_WEBHOOK_SECRET: secret }).alerts.webhook.url, 'https://hooks.example.org/x')
  t.match((t.throws(() => loadConfig({ UPC_ALERTS_WEBHOOK_SECRET: 'short' })) as Error).message, /alerts\.webhook\.secret must NOT have fewer than 32 characters/)
})
