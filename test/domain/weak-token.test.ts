import { randomBytes } from 'node:crypto'
import t from 'tap'
import { MIN_TOKEN_LENGTH, PUBLISHED_TOKENS, weakTokenReason } from '../../src/domain/weak-token.js'

t.test('tokens drawn as docs/CONFIGURATION.md says pass: openssl rand -hex 32 and its shorter and base64 kin', async (t) => {
  const draws: Array<[string, () => string]> = [
    ['hex of 32 bytes', () => randomBytes(32).toString('hex')],
    ['hex of 12 bytes (24 characters, the shortest accepted)', () => randomBytes(12).toString('hex')],
    ['base64url of 32 bytes (the first-admin token)', () => randomBytes(32).toString('base64url')],
    ['base64 of 18 bytes', () => randomBytes(18).toString('base64')]
  ]
  for (const [what, draw] of draws) {
    let refused = 0
    for (let i = 0; i < 10_000; i++) if (weakTokenReason(draw()) !== null) refused++
    t.equal(refused, 0, `${what}: none of 10,000 refused`)
  }
})

t.test('every published or placeholder token is weak by its text too', async (t) => {
  for (const token of PUBLISHED_TOKENS) t.not(weakTokenReason(token), null, JSON.stringify(token))
  t.equal(MIN_TOKEN_LENGTH, 24)
})

t.test('the reasons, by rule', async (t) => {
  t.equal(weakTokenReason('k7Qm2xZp9LwR4tVb8NcY3hDs'), null, '24 mixed characters')
  t.equal(weakTokenReason('k7Qm2xZp9LwR4tVb8NcY3hD'), 'is shorter than 24 characters')
  t.equal(weakTokenReason('k7Qm2xZp9LwR4tVb-Token-8NcY3hD'), 'holds a placeholder word such as change-me, password, secret, example or token', 'any case')
  t.equal(weakTokenReason('zzzzzzzzzzzzzzzzzk7Qm2xZ'), 'is mostly one repeated character or a run such as abcdef or 123456', '17 of 24 one character')
  t.equal(weakTokenReason('zzzzzzzzzzzzzzzk7Qm2xZp9'), null, '15 of 24 (under two thirds) is let through: the other 9 are random')
  t.equal(weakTokenReason('pbx-abcdefghijklmnopqrstu'), 'is mostly one repeated character or a run such as abcdef or 123456')
  t.equal(weakTokenReason('mN4-mN4-mN4-mN4-mN4-mN4-'), 'repeats one short block')
  t.equal(weakTokenReason('abab1bab1aab1b1bb1aab1ab'), 'has fewer than 6 different characters')
})
