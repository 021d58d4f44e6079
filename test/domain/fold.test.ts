// Lookalike folding. Expected values written by hand from the Unicode confusables data (UTS #39).
import t from 'tap'
import { LOOKALIKE_COUNT, foldText } from '../../src/domain/fold.js'

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
  for (const [raw, folded] of rows) t.equal(foldText(raw), folded, JSON.stringify(raw))
})

t.test('ASCII is never changed, so different real names stay different', async (t) => {
  for (const text of ['jane1', 'janel', 'janeI', 'jane0', 'janeO', 'rn', 'm', 'Jane.Doe+x@example.org']) {
    t.equal(foldText(text), text)
  }
})

t.test('letters that only look like a Latin letter with a mark stay as they are', async (t) => {
  t.equal(foldText('j\u00F6hn'), 'j\u00F6hn', 'ö is its own letter')
  t.equal(foldText('\u0451'), '\u0451', 'Cyrillic ё is not e')
  t.equal(foldText('\u043F\u0440\u0438'), '\u043Fpи'.replace('и', '\u0438'), 'п and и have no Latin twin; р does')
})

t.test('the table holds every pair it lists', async (t) => {
  t.equal(LOOKALIKE_COUNT, 16 + 20 + 11 + 16 + 6 + 6)
})

t.test('decimal digits of every script fold to ASCII digits', async (t) => {
  // Written by hand from the Unicode code charts: each script's zero, then its seven.
  const rows: Array<[string, string]> = [
    ['\u0660\u0667', '07'], // Arabic-Indic
    ['\u06F0\u06F7', '07'], // Extended Arabic-Indic (Persian)
    ['\u0966\u096D', '07'], // Devanagari
    ['\u09E6\u09ED', '07'], // Bengali
    ['\u0E50\u0E57', '07'], // Thai
    ['\uFF10\uFF17', '07'], // full-width
    ['\u{1D7CE}\u{1D7D5}', '07'], // mathematical bold
    ['\u{1D7F6}\u{1D7FD}', '07'], // mathematical monospace, the last of five runs side by side
    ['\u{104A0}\u{104A7}', '07'] // Osmanya
  ]
  for (const [raw, folded] of rows) t.equal(foldText(raw), folded, JSON.stringify(raw))
  t.equal(foldText('\u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660\u0661\u0662\u0663'), '07700 900123', 'a whole number in Arabic-Indic digits')
})

t.test('every format character is dropped, not only the common invisible ones', async (t) => {
  // U+2061 function application, U+FFF9 interlinear annotation anchor, U+E0041 tag letter A, U+180E
  for (const mark of ['\u2061', '\uFFF9', '\u{E0041}', '\u180E', '\u200D', '\u2066']) {
    t.equal(foldText(`LS1${mark} 4AP`), 'LS1 4AP', JSON.stringify(mark))
  }
})
