import fc from 'fast-check'
import t from 'tap'
import { DEFAULT_RULES, createAlertRules } from '../../src/domain/alert-rules.js'
import type { AlertRulesConfig, Attempt, BlockFacts } from '../../src/domain/alert-rules.js'

const T0 = Date.parse('2026-12-07T12:00:00Z')
const MIN = 60_000
const HOUR = 60 * MIN
const ESTABLISHMENT_BLOCK = 'e0000000-0000-4000-8000-000000000001'
const PRISONER_BLOCK = 'e0000000-0000-4000-8000-000000000002'
const A = 'A1234BC'
const B = 'B2345CD'
const C = 'C3456DE'

const blocks: Record<string, BlockFacts> = {
  [ESTABLISHMENT_BLOCK]: { scope: 'establishment', prisoner: null, madeAt: T0 - 48 * HOUR, noticeAt: null },
  [PRISONER_BLOCK]: { scope: 'prisoner', prisoner: A, madeAt: T0 - 48 * HOUR, noticeAt: null }
}
const blockOf = (id: string) => blocks[id]

/** Only the rule named on, with the windows and thresholds given. */
function only (rule: keyof AlertRulesConfig, over: Record<string, number> = {}): AlertRulesConfig {
  return {
    relay: { ...DEFAULT_RULES.relay, enabled: rule === 'relay', ...(rule === 'relay' ? over : {}) },
    persistence: { ...DEFAULT_RULES.persistence, enabled: rule === 'persistence', ...(rule === 'persistence' ? over : {}) },
    afterNotice: { ...DEFAULT_RULES.afterNotice, enabled: rule === 'afterNotice', ...(rule === 'afterNotice' ? over : {}) }
  }
}

const attempt = (at: number, prisoner: string, entryIds: string[], heldForOthers: string[] = []): Attempt =>
  ({ at, prisoner, channel: 'phone', entryIds, heldForOthers })

t.test('relay: two prisoners on one block inside the window trip it; outside it, not', async (t) => {
  const rules = createAlertRules(only('relay', { windowMinutes: 60, prisoners: 2 }))
  t.same(rules.see(attempt(T0, A, [ESTABLISHMENT_BLOCK]), blockOf), [], 'one prisoner: nothing')
  t.same(rules.see(attempt(T0 + 10 * MIN, A, [ESTABLISHMENT_BLOCK]), blockOf), [], 'the same prisoner again: nothing')
  // B at T0+59: A's tries at T0 and T0+10 are both still inside the hour.
  t.same(rules.see(attempt(T0 + 59 * MIN, B, [ESTABLISHMENT_BLOCK]), blockOf), [
    { type: 'relay', key: `relay:${ESTABLISHMENT_BLOCK}`, entryIds: [ESTABLISHMENT_BLOCK], prisoners: [A, B], at: T0 + 59 * MIN, attempts: 3 }
  ])

  const later = createAlertRules(only('relay', { windowMinutes: 60, prisoners: 2 }))
  later.see(attempt(T0, A, [ESTABLISHMENT_BLOCK]), blockOf)
  // exactly an hour on: A's try has left the window (the window is (at - 60 min, at])
  t.same(later.see(attempt(T0 + 60 * MIN, B, [ESTABLISHMENT_BLOCK]), blockOf), [])
})

t.test('relay: the threshold counts distinct prisoners', async (t) => {
  const rules = createAlertRules(only('relay', { windowMinutes: 60, prisoners: 3 }))
  t.same(rules.see(attempt(T0, A, [ESTABLISHMENT_BLOCK]), blockOf), [])
  t.same(rules.see(attempt(T0 + MIN, B, [ESTABLISHMENT_BLOCK]), blockOf), [])
  t.same(rules.see(attempt(T0 + 2 * MIN, B, [ESTABLISHMENT_BLOCK]), blockOf), [], 'B twice is still two prisoners')
  const found = rules.see(attempt(T0 + 3 * MIN, C, [ESTABLISHMENT_BLOCK]), blockOf)
  t.same(found.map((f) => [f.type, f.prisoners, f.attempts]), [['relay', [A, B, C], 4]])
})

t.test('relay: a prisoner-scope block tried by another prisoner trips it at once', async (t) => {
  const rules = createAlertRules(only('relay', { windowMinutes: 60, prisoners: 5 }))
  t.same(rules.see(attempt(T0, A, [PRISONER_BLOCK]), blockOf), [], 'its own prisoner: nothing')
  t.same(rules.see(attempt(T0 + MIN, B, [], [PRISONER_BLOCK]), blockOf), [
    { type: 'relay', key: `relay:${PRISONER_BLOCK}`, entryIds: [PRISONER_BLOCK], prisoners: [A, B], at: T0 + MIN, attempts: 2 }
  ])
  const fresh = createAlertRules(only('relay', { windowMinutes: 60, prisoners: 5 }))
  t.same(fresh.see(attempt(T0, B, [], [PRISONER_BLOCK]), blockOf).map((f) => f.prisoners), [[A, B]],
    'the block\'s own prisoner is named even when they have not tried it in the window')
})

t.test('persistence: N blocked tries by one prisoner within the window', async (t) => {
  const rules = createAlertRules(only('persistence', { windowMinutes: 30, attempts: 3 }))
  t.same(rules.see(attempt(T0, A, [ESTABLISHMENT_BLOCK]), blockOf), [])
  t.same(rules.see(attempt(T0 + 10 * MIN, A, [PRISONER_BLOCK]), blockOf), [])
  t.same(rules.see(attempt(T0 + 11 * MIN, B, [ESTABLISHMENT_BLOCK]), blockOf), [], 'another prisoner counts apart')
  t.same(rules.see(attempt(T0 + 29 * MIN, A, [ESTABLISHMENT_BLOCK]), blockOf), [
    { type: 'persistence', key: `persistence:${A}`, entryIds: [ESTABLISHMENT_BLOCK], prisoners: [A], at: T0 + 29 * MIN, attempts: 3 }
  ])
  // At T0+40 the window is (T0+10, T0+40]: the try at T0+10 is out, T0+29 and T0+40 are in: 2.
  t.same(rules.see(attempt(T0 + 40 * MIN, A, [ESTABLISHMENT_BLOCK]), blockOf), [])
  // T0+41: (T0+11, T0+41] holds T0+29, T0+40, T0+41.
  t.equal(rules.see(attempt(T0 + 41 * MIN, A, [ESTABLISHMENT_BLOCK]), blockOf)[0]?.attempts, 3)
})

t.test('persistence: an attempt that blocked nothing does not count', async (t) => {
  const rules = createAlertRules(only('persistence', { windowMinutes: 30, attempts: 2 }))
  t.same(rules.see(attempt(T0, B, [], [PRISONER_BLOCK]), blockOf), [])
  t.same(rules.see(attempt(T0 + MIN, B, [], [PRISONER_BLOCK]), blockOf), [])
})

t.test('after notice: an attempt after the notice, or after the block and its grace when none is recorded', async (t) => {
  const rules = createAlertRules(only('afterNotice', { graceMinutes: 60 }))
  const made = T0
  const facts: Record<string, BlockFacts> = {
    [ESTABLISHMENT_BLOCK]: { scope: 'establishment', prisoner: null, madeAt: made, noticeAt: null },
    [PRISONER_BLOCK]: { scope: 'prisoner', prisoner: A, madeAt: made, noticeAt: made + 5 * HOUR }
  }
  const of = (id: string) => facts[id]
  t.same(rules.see(attempt(made + 60 * MIN, A, [ESTABLISHMENT_BLOCK]), of), [], 'at the end of the grace: not yet')
  t.same(rules.see(attempt(made + 61 * MIN, A, [ESTABLISHMENT_BLOCK]), of), [
    { type: 'after_notice', key: `after_notice:${ESTABLISHMENT_BLOCK}:${A}`, entryIds: [ESTABLISHMENT_BLOCK], prisoners: [A], at: made + 61 * MIN, attempts: 1 }
  ])
  t.same(rules.see(attempt(made + 2 * HOUR, A, [PRISONER_BLOCK]), of), [], 'a recorded notice replaces the grace: before it, nothing')
  t.equal(rules.see(attempt(made + 5 * HOUR + 1, A, [PRISONER_BLOCK]), of)[0]?.key, `after_notice:${PRISONER_BLOCK}:${A}`)
  t.same(rules.see(attempt(made + 9 * HOUR, A, ['e0000000-0000-4000-8000-00000000dead']), of), [], 'a block no longer held: nothing')
})

t.test('a rule that is off finds nothing', async (t) => {
  const off: AlertRulesConfig = {
    relay: { ...DEFAULT_RULES.relay, enabled: false },
    persistence: { ...DEFAULT_RULES.persistence, enabled: false, attempts: 1 },
    afterNotice: { ...DEFAULT_RULES.afterNotice, enabled: false, graceMinutes: 0 }
  }
  const rules = createAlertRules(off)
  t.same(rules.see(attempt(T0, B, [ESTABLISHMENT_BLOCK], [PRISONER_BLOCK]), blockOf), [])
})

t.test('property: persistence fires exactly when the window holds N of the prisoner\'s blocked tries', async (t) => {
  fc.assert(fc.property(
    fc.array(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 40 }),
    fc.integer({ min: 1, max: 120 }),
    fc.integer({ min: 1, max: 6 }),
    (gaps, windowMinutes, threshold) => {
      const rules = createAlertRules(only('persistence', { windowMinutes, attempts: threshold }))
      const times: number[] = []
      let at = T0
      for (const gap of gaps) {
        at += gap * 10_000
        times.push(at)
        const found = rules.see(attempt(at, A, [ESTABLISHMENT_BLOCK]), blockOf)
        const inWindow = times.filter((time) => time > at - windowMinutes * MIN).length
        if (found.length !== (inWindow >= threshold ? 1 : 0)) return false
        if (found.length === 1 && found[0]?.attempts !== inWindow) return false
      }
      return true
    }
  ))
  t.pass('held for every generated run')
})
