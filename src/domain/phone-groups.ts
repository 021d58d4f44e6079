/**
 * Phone numbers, step 2: the digit groups of a tidied text, in segments.
 *
 * A group is an unbroken run of digits (a number word such as "nought" or "double five" is a group
 * of its own). Groups are never split: a number is one or more whole adjacent groups. Anything
 * that is not a digit, a letter or a + separates groups (space, dash, dot, brackets, _ , ; : / * #
 * ! ~ | = ^ ? @ & ...); a + starts a new number; a word other than a number word ends a segment,
 * because the digits on either side of "or", "mobile" or "after" belong to different things.
 *
 * - Number words count only two or more in a row ("nought one one three ...", "double oh seven",
 *   "double 5"), so that an "oh" or a "one" in a sentence is not read as a digit: zero, oh, o,
 *   nought, naught, one ... nine, and double, treble and triple before a digit.
 * - O, I and l glued to a digit are the digits they look like (9OO123, O7700), and so are the
 *   Cyrillic З (3), Ч (4) and б (6).
 * - An extension word (x, ext, extn, extension) after a number's worth of digits (at least seven)
 *   drops the digits that follow it, up to six; more are a number (`0161 496 0000 ext 07700900123`).
 * - `withNumberWordsAmongDigits` gives a second reading in which a single number word next to
 *   digits counts too (`0seven7009001two3`), for a check to look up beside the text as written.
 * - `(0)` after a country code is the trunk 0 (+44 (0)20 ...); it stays a group of its own,
 *   flagged, so that the reader can write it back as `(0)`.
 * - The last group, after a `#`, may be an extension (07700 900123 #123) or the last part of the
 *   number (07700#900123): it is flagged for the reader, which tries both.
 *
 * Pure: no I/O, no state between calls.
 */

export interface Group {
  digits: string
  /** a + stands before it */
  plus: boolean
  /** the `(0)` trunk digit after a country code */
  trunk: boolean
  /** a `/` stands between it and the group before (an alternative ending: 0114 496 0777/8) */
  slash: boolean
  /** the last group of the text, after a `#` */
  hashTail: boolean
  /** a word stands before it, with only separators between (the first group of a segment after a word) */
  wordBefore: boolean
  /** a word stands after it (the last group of a segment that a word ends) */
  wordAfter: boolean
  /** a list separator (`,` `;` `|` `&` or a line break) stands between it and the group before */
  listBefore: boolean
  /** brackets stand right around it: `(2)`, not the `(0)` trunk */
  bracketed: boolean
}

export interface Segments {
  /** the segments, each a list of groups */
  segments: Group[][]
  /** every digit the groups hold, in order */
  digits: string
}

const NUMBER_WORDS: ReadonlyMap<string, string> = new Map([
  ['zero', '0'], ['oh', '0'], ['o', '0'], ['nought', '0'], ['naught', '0'],
  ['one', '1'], ['two', '2'], ['three', '3'], ['four', '4'], ['five', '5'],
  ['six', '6'], ['seven', '7'], ['eight', '8'], ['nine', '9']
])
const REPEATS: ReadonlyMap<string, number> = new Map([['double', 2], ['treble', 3], ['triple', 3]])
const EXTENSION_WORDS: ReadonlySet<string> = new Set(['x', 'ext', 'extn', 'extension'])
/** Digits a segment holds before an extension word can mark an extension. */
const EXTENSION_AFTER = 7

type Token =
  | { kind: 'digits', text: string }
  | { kind: 'word', text: string }
  | { kind: 'char', text: string }

const TOKEN = /(\d+)|(\p{L}+)|([^])/gu
/** Characters that separate the items of a list, and may also stand inside one number (07700,900123). */
const LIST_SEPARATORS = ',;|&\n\r'


/**
 * Letters typed for the digits they look like, glued to a digit: 07700 9OO123, O7700, 12З (a
 * Cyrillic Ze), 9OOб. Cyrillic О and о arrive here as Latin O (fold.ts).
 */
const LOOKALIKE_DIGIT: Readonly<Record<string, string>> = {
  O: '0', o: '0', I: '1', i: '1', l: '1', З: '3', з: '3', Ӡ: '3', ӡ: '3', Ч: '4', ч: '4', б: '6'
}
const LOOKALIKES = new RegExp(`^[${Object.keys(LOOKALIKE_DIGIT).join('')}]+$`, 'u')
/** Digits an extension has at most: more after an extension word are a number ("ext 07700 900123"). */
const MAX_EXTENSION = 6

function tokensOf (text: string): Token[] {
  const raw: Array<{ kind: Token['kind'], text: string }> = []
  for (const match of text.matchAll(TOKEN)) {
    if (match[1] !== undefined) raw.push({ kind: 'digits', text: match[1] })
    else if (match[2] !== undefined) raw.push({ kind: 'word', text: match[2] })
    else raw.push({ kind: 'char', text: match[0] })
  }
  const tokens: Token[] = []
  raw.forEach((token, i) => {
    let { kind, text: value } = token
    if (kind === 'word' && LOOKALIKES.test(value) && (raw[i - 1]?.kind === 'digits' || raw[i + 1]?.kind === 'digits')) {
      kind = 'digits'
      value = [...value].map((letter) => LOOKALIKE_DIGIT[letter] ?? letter).join('')
    }
    const last = tokens[tokens.length - 1]
    if (kind === 'digits' && last?.kind === 'digits') last.text += value
    else tokens.push(kind === 'word' ? { kind, text: value.toLowerCase() } : { kind, text: value } as Token)
  })
  return tokens
}

/**
 * The token indexes of the number words that count: those in a run of two or more number words
 * with only separators between them, and double or treble before a digit group ("double 5").
 */
function numberWordsIn (tokens: readonly Token[]): Set<number> {
  const marked = new Set<number>()
  let run: number[] = []
  const close = () => {
    if (run.length >= 2) for (const i of run) marked.add(i)
    run = []
  }
  tokens.forEach((token, i) => {
    if (token.kind === 'char') return
    if (token.kind === 'word' && (NUMBER_WORDS.has(token.text) || REPEATS.has(token.text))) {
      run.push(i)
      return
    }
    const last = run[run.length - 1]
    if (token.kind === 'digits' && last !== undefined && REPEATS.has(tokens[last]?.text ?? '')) marked.add(last)
    close()
  })
  close()
  return marked
}

const digitCount = (groups: readonly Group[]) => groups.reduce((n, group) => n + group.digits.length, 0)

/** The digits after token `i`, up to the next word. */
function digitsAhead (tokens: readonly Token[], i: number): number {
  let n = 0
  for (let k = i + 1; k < tokens.length; k++) {
    const token = tokens[k] as Token
    if (token.kind === 'word') break
    if (token.kind === 'digits') n += token.text.length
  }
  return n
}

/**
 * The text with every number word that stands next to digits written as its digit, even alone
 * (`0seven7009001two3`, `0 seven 7 double 0 nine 0 0 1 2 three`); null when there is none. Only
 * separators may stand between the word and the digits. A check reads this beside the text as
 * written, where a lone "one" or "oh" stays a word.
 */
export function withNumberWordsAmongDigits (text: string): string | null {
  const tokens = tokensOf(text)
  const counted = numberWordsIn(tokens)
  // the kind of the nearest token that is no separator, on each side
  const near = (i: number, step: number): Token | undefined => {
    for (let k = i + step; k >= 0 && k < tokens.length; k += step) if (tokens[k]?.kind !== 'char') return tokens[k]
    return undefined
  }
  const isNumberWord = (token: Token | undefined) => token?.kind === 'word' && (NUMBER_WORDS.has(token.text) || REPEATS.has(token.text))
  let changed = false
  const out = tokens.map((token, i) => {
    if (token.kind !== 'word' || counted.has(i) || !isNumberWord(token)) return token.text
    const before = near(i, -1)
    const after = near(i, 1)
    if (before?.kind !== 'digits' && after?.kind !== 'digits') return token.text
    const digit = NUMBER_WORDS.get(token.text)
    if (digit === undefined) return token.text
    changed = true
    return digit
  })
  return changed ? out.join('') : null
}

/** The groups of a tidied text, in segments (see the header). */
export function segmentsOf (text: string): Segments {
  const tokens = tokensOf(text)
  const numberWords = numberWordsIn(tokens)
  let lastDigits = -1
  tokens.forEach((token, i) => { if (token.kind === 'digits' || numberWords.has(i)) lastDigits = i })

  const segments: Group[][] = []
  let current: Group[] = []
  let digits = ''
  let plus = false
  let slash = false
  let hash = false
  let list = false
  let repeat = 1
  let skipNext = false
  let wordBefore = false
  const end = (byWord: boolean) => {
    const last = current[current.length - 1]
    if (last !== undefined) {
      last.wordAfter = byWord
      segments.push(current)
    }
    wordBefore = byWord
    current = []
    plus = false
    slash = false
    hash = false
    list = false
    repeat = 1
    skipNext = false
  }
  const push = (run: string, i: number) => {
    if (skipNext) {
      skipNext = false
      end(false)
      return
    }
    const written = repeat > 1 ? run.charAt(0).repeat(repeat) + run.slice(1) : run
    repeat = 1
    // a + before a 0 is debris (+07700 ...): no country code starts with 0
    if (plus && written.startsWith('0')) plus = false
    const trunk = written === '0' && current.length > 0 && tokens[i - 1]?.text === '(' && tokens[i + 1]?.text === ')'
    const bracketed = !trunk && tokens[i - 1]?.text === '(' && tokens[i + 1]?.text === ')'
    current.push({ digits: written, plus, trunk, slash, hashTail: hash && i === lastDigits, wordBefore, wordAfter: false, listBefore: list && current.length > 0, bracketed })
    wordBefore = false
    digits += written
    plus = false
    slash = false
    hash = false
    list = false
  }

  tokens.forEach((token, i) => {
    if (token.kind === 'digits') {
      push(token.text, i)
    } else if (token.kind === 'word') {
      const digit = NUMBER_WORDS.get(token.text)
      const times = REPEATS.get(token.text)
      if (numberWords.has(i) && digit !== undefined) push(digit, i)
      else if (numberWords.has(i) && times !== undefined) repeat = times
      else if (EXTENSION_WORDS.has(token.text) && digitCount(current) >= EXTENSION_AFTER && digitsAhead(tokens, i) <= MAX_EXTENSION) skipNext = true
      else end(true)
    } else if (token.text === '+') {
      plus = true
    } else if (token.text === '/') {
      slash = true
    } else if (token.text === '#') {
      hash = true
    } else if (LIST_SEPARATORS.includes(token.text)) {
      list = true
    } else if (skipNext && token.text.trim() !== '' && !'.:='.includes(token.text)) {
      // an extension word followed by anything but its digits is a word like any other
      end(true)
    }
  })
  end(false)
  return { segments, digits }
}
