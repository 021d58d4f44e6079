// Lookalike folding. Expected values written by hand from the Unicode confusables data (UTS #39).
import t from 'tap'
import { LOOKALIKE_COUNT, foldLookalikes } from '../../src/domain/lookalikes.js'

t.test('letters of other scripts drawn like Latin letters fold to them', async (t) => {
  const rows: Array<[string, string]> = [
    ['j\u0430ne', 'jane'], // Cyrillic а
    ['\u0435x\u0430mple', 'example'], // Cyrillic е and а
    ['J\u0410NE', 'JANE'], // Cyrillic А
    ['\u0412\u041E\u0412', 'BOB'], // Cyrillic В and О
    ['p\u03BFst', 'post'], // Greek ο
    ['\u0391NNE', 'ANNE'], // Greek Α
    ['\u0585rla', 'orla'], // Armenian օ
    ['\u0131vy', 'ivy'], // dotless ı
    ['\uFF4A\uFF41\uFF4E\uFF45', 'jane'], // full-width
    ['\uD835\uDC23ane', 'jane'], // mathematical bold j
    ['ja\u200Bne', 'jane'], // zero-width space
    ['ja\u00ADne', 'jane'], // soft hyphen
    ['\u202Ejane', 'jane'] // bidi override
  ]
  for (const [raw, folded] of rows) t.equal(foldLookalikes(raw), folded, JSON.stringify(raw))
})

t.test('ASCII is never changed, so different real names stay different', async (t) => {
  for (const text of ['jane1', 'janel', 'janeI', 'jane0', 'janeO', 'rn', 'm', 'Jane.Doe+x@example.org']) {
    t.equal(foldLookalikes(text), text)
  }
})

t.test('letters that only look like a Latin letter with a mark stay as they are', async (t) => {
  t.equal(foldLookalikes('j\u00F6hn'), 'j\u00F6hn', 'ö is its own letter')
  t.equal(foldLookalikes('\u0451'), '\u0451', 'Cyrillic ё is not e')
  t.equal(foldLookalikes('\u043F\u0440\u0438'), '\u043Fpи'.replace('и', '\u0438'), 'п and и have no Latin twin; р does')
})

t.test('the table holds every pair it lists', async (t) => {
  t.equal(LOOKALIKE_COUNT, 16 + 20 + 11 + 16 + 6 + 6)
})
