import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { ConfigError, loadConfig, sha256Hex } from '../src/config.js'

t.test('defaults come from config/default.json as DESIGN.md lists them', async (t) => {
  const config = loadConfig({})
  t.equal(config.host, '127.0.0.1')
  t.equal(config.port, 8080)
  t.equal(config.db, 'data/upc-guard.db')
  t.equal(config.role, 'establishment')
  t.equal(config.establishment, 'DEV')
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
      clients: [{ name: 'pbx', roles: ['check'], tokenSha256: sha256Hex('pbx-token-0123456789') }],
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
  const config = loadConfig({ UPC_TOKENS: JSON.stringify([{ name: 'pbx', roles: ['check'], token: 'pbx-token-0123456789' }]) })
  t.same(config.clients, [{ name: 'pbx', roles: ['check'], tokenSha256: sha256Hex('pbx-token-0123456789') }])
  t.notMatch(JSON.stringify(config), /pbx-token/)
})

t.test('UPC_UPSTREAM_URL and UPC_UPSTREAM_TOKEN set the upstream', async (t) => {
  const config = loadConfig({ UPC_UPSTREAM_URL: 'http://127.0.0.1:9999', UPC_UPSTREAM_TOKEN: 'feed-token-0123456789' })
  t.same(config.upstream, { url: 'http://127.0.0.1:9999', token: 'feed-token-0123456789' })
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
    [{ UPC_TOKENS: '[{"name":"pbx","roles":["check"],"token":"short"}]' }, /^invalid configuration: UPC_TOKENS 0\.token must NOT have fewer than 16 characters$/],
    [{ UPC_TOKENS: '[{"name":"pbx","roles":["root"],"token":"pbx-token-0123456789"}]' }, /UPC_TOKENS 0\.roles\.0/],
    [{ UPC_TOKENS: '[{"name":"a","roles":["check"],"token":"pbx-token-0123456789"},{"name":"a","roles":["admin"],"token":"adm-token-0123456789"}]' }, /name a twice/],
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

t.test('hashed tokens in a config file must be SHA-256 hex', async (t) => {
  const dir = t.testdir()
  const file = join(dir, 'c.json')
  writeFileSync(file, JSON.stringify({ clients: [{ name: 'pbx', roles: ['check'], token: 'raw-token-0123456789' }] }))
  t.throws(() => loadConfig({ UPC_CONFIG: file }), /clients\.0 (has a field that is not allowed|must have required property 'tokenSha256')/)
})

t.test('policy: off by default; UPC_POLICY_PORT and UPC_POLICY_PRISONER_FROM set it; the pattern needs one capture group', async (t) => {
  const defaults = loadConfig({})
  t.same(defaults.policy, { port: null, host: '127.0.0.1', prisonerFrom: '^([A-Za-z][0-9]{4}[A-Za-z]{2})@', idleTimeoutMs: 330000 })
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
