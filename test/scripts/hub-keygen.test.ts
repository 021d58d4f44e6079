import { spawnSync } from 'node:child_process'
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { keyId, publicKeyFrom, signChange, verifyChange } from '../../src/domain/feed-signature.js'
import { loadFeedSigningKey } from '../../src/services/feed-signing-key.js'
import { tempDir } from '../helper.js'

const ROOT = new URL('../../', import.meta.url).pathname

const keygen = (dir: string) => spawnSync(process.execPath, ['--import', 'tsx', 'scripts/hub-keygen.ts', '--dir', dir], {
  cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '' }
})

t.test('hub-keygen writes the private key 600 and the public key, says where each goes, and never replaces a key', async (t) => {
  const dir = join(tempDir(t), 'keys')
  const first = keygen(dir)
  t.equal(first.status, 0, first.stderr)
  const privateFile = join(dir, 'hub-feed-signing.key')
  const publicFile = join(dir, 'hub-feed-signing.pub')
  t.equal(statSync(privateFile).mode & 0o777, 0o600, 'the private key is the owner\'s alone')
  t.equal(statSync(dir).mode & 0o777, 0o700)
  const loaded = loadFeedSigningKey(privateFile)
  t.equal(loaded?.open, false)
  const publicKey = publicKeyFrom(readFileSync(publicFile, 'utf8'))
  const kid = keyId(publicKey)
  t.equal(loaded?.signer.kid, kid, 'the public file holds the private key\'s public half')
  t.match(first.stdout, new RegExp(`key id ${kid}`))
  t.match(first.stdout, /feedSigning\.keyFile/)
  t.match(first.stdout, /upstream\.publicKeys/)
  const oneLine = first.stdout.split('\n').map((line) => line.trim()).find((line) => /^[A-Za-z0-9+/]{43}=$/.test(line)) ?? ''
  t.equal(keyId(publicKeyFrom(oneLine)), kid, 'the one-line form printed is the same key')
  t.notMatch(first.stdout, /PRIVATE KEY/, 'the private key is never printed')

  // What the hub signs with it, an establishment listing the public key verifies.
  const change = { seq: 7, op: 'remove', entry: { id: '11111111-1111-4111-8111-111111111111' } }
  const signer = loaded?.signer
  if (signer === undefined) throw new Error('no signer')
  t.same(verifyChange({ ...change, ...signChange(signer, 'HLI', change) }, 'HLI', new Map([[kid, publicKey]])), { ok: true, kid })

  const before = readFileSync(privateFile, 'utf8')
  const again = keygen(dir)
  t.equal(again.status, 0)
  t.match(again.stdout, /kept the feed signing key already there/)
  t.equal(readFileSync(privateFile, 'utf8'), before, 'the key a hub signs with is kept')
})

t.test('a signing key file others can read is reported; one that holds no Ed25519 key is refused without its contents', async (t) => {
  const dir = tempDir(t)
  t.equal(keygen(dir).status, 0)
  const privateFile = join(dir, 'hub-feed-signing.key')
  chmodSync(privateFile, 0o644)
  t.equal(loadFeedSigningKey(privateFile)?.open, true)
  t.equal(loadFeedSigningKey(null), null, 'no file configured: no signer')
  const bad = join(dir, 'bad.key')
  writeFileSync(bad, 'secret-looking-text-0123456789\n', { mode: 0o600 })
  const error = t.throws(() => loadFeedSigningKey(bad)) as Error
  t.match(error.message, /does not hold an Ed25519 private key/)
  t.notMatch(error.message, /secret-looking/)
  t.match((t.throws(() => loadFeedSigningKey(join(dir, 'missing.key'))) as Error).message, /cannot be read/)
})
