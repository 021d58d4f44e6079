/**
 * Lookalike folding: a disguised email address or name ("jаne" with a Cyrillic а, "ｊａｎｅ" in
 * full-width letters) is folded to the plain Latin text it imitates, so that it still meets the real
 * one (docs/MATCHING.md).
 *
 * Three steps, each for a reason:
 * 1. NFKC folds compatibility forms: full-width letters and digits (ｊ -> j), mathematical letters
 *    (𝐣 -> j), ligatures (ﬁ -> fi), the ideographic full stop is left to the domain code.
 * 2. Invisible characters are dropped (zero-width space and joiners, soft hyphen, word joiner, byte
 *    order mark, bidi marks): they change the text without changing what a reader sees.
 * 3. The table below maps letters of other scripts that are drawn like a Latin letter to that
 *    letter. It is taken from the Unicode confusables data (UTS #39, confusables.txt), restricted to
 *    Cyrillic, Greek, Armenian and Latin/IPA letters whose prototype is one ASCII letter. Both cases
 *    are listed because the uppercase form of a lookalike need not lowercase to a lookalike
 *    (Cyrillic В looks like B, в does not).
 *
 * Why not a package: the npm packages that do this (unhomoglyph, confusables) apply the full UTS #39
 * skeleton, which also folds ASCII characters into each other (l and 1 and I, 0 and O, m and rn). Two
 * real, different mailboxes such as jane1@ and janel@ would then meet. Here ASCII is never changed.
 *
 * Pure: no I/O, no state.
 */

/** zero-width space/non-joiner/joiner, LRM, RLM, bidi embeddings and isolates, word joiner, BOM, soft hyphen */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/gu

/** Anything outside ASCII: text without it needs no table look-ups. */
const NON_ASCII = /[^\x00-\x7F]/u

// [lookalikes, the ASCII letter each imitates]: one string per script, read pairwise.
const TABLE: ReadonlyArray<readonly [string, string]> = [
  // Cyrillic lowercase: а е һ і ј ӏ о р с ѕ у х ԁ ԛ ԝ ү
  ['\u0430\u0435\u04BB\u0456\u0458\u04CF\u043E\u0440\u0441\u0455\u0443\u0445\u0501\u051B\u051D\u04AF', 'aehijlopcsyxdqwy'],
  // Cyrillic uppercase: А В Е К М Н О Р С Т Х У Ѕ І Ј Ԛ Ԝ Ү Һ Ӏ
  ['\u0410\u0412\u0415\u041A\u041C\u041D\u041E\u0420\u0421\u0422\u0425\u0423\u0405\u0406\u0408\u051A\u051C\u04AE\u04BA\u04C0', 'ABEKMHOPCTXYSIJQWYHl'],
  // Greek lowercase: α ο ν ι κ ρ υ χ γ ϲ ϳ
  ['\u03B1\u03BF\u03BD\u03B9\u03BA\u03C1\u03C5\u03C7\u03B3\u03F2\u03F3', 'aovikpuxycj'],
  // Greek uppercase: Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ Ϲ Ϳ
  ['\u0391\u0392\u0395\u0396\u0397\u0399\u039A\u039C\u039D\u039F\u03A1\u03A4\u03A5\u03A7\u03F9\u037F', 'ABEZHIKMNOPTYXCJ'],
  // Armenian: օ ս ո հ զ ց
  ['\u0585\u057D\u0578\u0570\u0566\u0581', 'ounhqg'],
  // Latin and IPA letters that are not in ASCII: ı ȷ ɑ ɡ ɩ ʋ
  ['\u0131\u0237\u0251\u0261\u0269\u028B', 'ijagiu']
]

const FOLD: ReadonlyMap<string, string> = new Map(
  TABLE.flatMap(([from, to]) => {
    if (from.length !== to.length) throw new Error('lookalike table: a row is out of step')
    return [...from].map((char, i): [string, string] => [char, to.charAt(i)])
  })
)

/** Each lookalike letter (any case) to its ASCII letter; every other character as it is. */
export function foldLookalikes (text: string): string {
  const compatible = text.normalize('NFKC').replace(INVISIBLE, '')
  if (!NON_ASCII.test(compatible)) return compatible
  let out = ''
  for (const char of compatible) out += FOLD.get(char) ?? char
  return out
}

/** How many characters the table folds (for the tests: every pair was read, none was lost). */
export const LOOKALIKE_COUNT = FOLD.size
