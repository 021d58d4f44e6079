// The matching evaluation: the corpus in test/fixtures/match/ through the real API path, scored by
// the same module as `npm run eval` (docs/MATCHING.md, Measured), held to the figures below.
import t from 'tap'
import { KINDS, evaluate, formatReport, loadCorpus } from '../scripts/match-eval.js'

const corpus = loadCorpus()

t.test('the corpus is large enough, well formed, and at least a third negatives', async (t) => {
  const least = { phone: 150, email: 120, address: 200 }
  for (const kind of KINDS) {
    const cases = corpus[kind]
    t.ok(cases.length >= least[kind], `${kind}: ${cases.length} cases`)
    t.ok(cases.filter((c) => !c.same).length * 3 >= cases.length, `${kind}: a third or more must not match`)
    for (const [index, c] of cases.entries()) {
      const fields = Object.keys(c).filter((key) => !['a', 'b', 'same', 'rule', 'debatable', 'protectedPerson', 'recipient'].includes(key))
      if (fields.length > 0 || typeof c.same !== 'boolean' || typeof c.rule !== 'string' || c.rule === '') {
        t.fail(`${kind} case ${index} is malformed`)
      }
      if (kind !== 'address' && (typeof c.a !== 'string' || typeof c.b !== 'string')) t.fail(`${kind} case ${index}: a and b are text`)
    }
  }
})

t.test('recall and precision: phones and emails 100%; addresses recall >= 99%, precision >= 97%', async (t) => {
  const scores = await evaluate(corpus)
  t.comment(formatReport(scores))
  t.equal(scores.phone.recall, 1, 'phone recall')
  t.equal(scores.phone.precision, 1, 'phone precision')
  t.equal(scores.email.recall, 1, 'email recall')
  t.equal(scores.email.precision, 1, 'email precision')
  t.ok(scores.address.recall >= 0.99, `address recall ${scores.address.recall}`)
  t.ok(scores.address.precision >= 0.97, `address precision ${scores.address.precision}`)
  for (const kind of KINDS) {
    t.equal(scores[kind].cases, corpus[kind].length, `${kind}: every case was run`)
    t.ok(scores[kind].failing.every((outcome) => outcome.refused === null), `${kind}: no entry was refused`)
  }
})
