/**
 * The phone catalogue: generated numbers in the Ofcom drama ranges (mobiles 07700 900xxx, London
 * 020 7946 0xxx, other geographic areas, 03, 0808 and 0909) and a few foreign numbers kept for
 * fiction (NANP 555-01xx, ARCEP 01 99 00 xx xx, ACMA 0491 570 xxx); the ways a number is written
 * that must still meet its block; and the other numbers next to it that must not.
 */
import fc from 'fast-check'
import type { KindCatalogue, Transformation } from './catalogue.js'

export interface PhoneBase {
  /** country code */
  cc: string
  /** national significant number (no trunk 0) */
  nsn: string
  /** the country dials a trunk 0 before the national number (UK, France, Australia; not NANP) */
  trunk: boolean
  /** group sizes of the display form: for the UK the national form with its 0, else the NSN */
  groups: number[]
  /** what kind of number, for the report */
  range: string
}

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n }).map((ds) => ds.join(''))
const uk = (range: string, prefix: string, groups: number[]) =>
  digits(10 - prefix.length).map((tail): PhoneBase => ({ cc: '44', nsn: prefix + tail, trunk: true, groups, range }))

const GEOGRAPHIC = ['1134960', '1144960', '1154960', '1164960', '1174960', '1184960', '1214960', '1314960', '1414960', '1514960', '1614960', '1914980']

const base: fc.Arbitrary<PhoneBase> = fc.oneof(
  { weight: 4, arbitrary: uk('UK mobile', '7700900', [5, 6]) },
  { weight: 2, arbitrary: uk('London', '2079460', [3, 4, 4]) },
  { weight: 2, arbitrary: fc.constantFrom(...GEOGRAPHIC).chain((area) => uk('UK geographic', area, [4, 3, 4])) },
  { weight: 1, arbitrary: fc.constantFrom<[string, number[]]>(['289649', [3, 4, 4]], ['292018', [3, 4, 4]], ['1632960', [5, 6]]).chain(([area, groups]) => uk('UK geographic', area, groups)) },
  { weight: 1, arbitrary: fc.constantFrom<[string, number[]]>(['3069990', [5, 6]], ['8081570', [4, 3, 4]], ['9098790', [4, 3, 4]]).chain(([range, groups]) => uk('UK non-geographic', range, groups)) },
  { weight: 1, arbitrary: digits(2).map((tail): PhoneBase => ({ cc: '1', nsn: `20255501${tail}`, trunk: false, groups: [3, 3, 4], range: 'NANP' })) },
  { weight: 1, arbitrary: digits(4).map((tail): PhoneBase => ({ cc: '33', nsn: `19900${tail}`, trunk: true, groups: [1, 2, 2, 2, 2], range: 'France' })) },
  { weight: 1, arbitrary: fc.constantFrom('006', '156', '157', '158', '159', '110', '313', '737').map((tail): PhoneBase => ({ cc: '61', nsn: `491570${tail}`, trunk: true, groups: [3, 3, 3], range: 'Australia' })) }
)

const isUk = (b: PhoneBase) => b.cc === '44'

/** `text` cut into groups of the given sizes (the rest in a last group). */
function cut (text: string, sizes: readonly number[]): string[] {
  const out: string[] = []
  let at = 0
  for (const size of sizes) {
    if (at >= text.length) break
    out.push(text.slice(at, at + size))
    at += size
  }
  if (at < text.length) out.push(text.slice(at))
  return out
}

/** The number as a block holds it: national groups for the UK, +CC and groups for the rest. */
function parts (b: PhoneBase): string[] {
  return isUk(b) ? cut('0' + b.nsn, b.groups) : [`+${b.cc}`, ...cut(b.nsn, b.groups)]
}
const display = (b: PhoneBase) => parts(b).join(' ')
/** The international groups: +CC and the NSN cut the national way. */
const internationalParts = (b: PhoneBase) => [`+${b.cc}`, ...(isUk(b) ? cut(b.nsn, [b.groups[0] as number - 1, ...b.groups.slice(1)]) : cut(b.nsn, b.groups))]
/** The digits dialled from a UK phone: 0 and the NSN, or 00, the country code and the NSN. */
const dialled = (b: PhoneBase) => (isUk(b) ? '0' + b.nsn : '00' + b.cc + b.nsn)
/** The national form of any country: its trunk 0 if it has one. */
const national = (b: PhoneBase) => (b.trunk ? '0' : '') + b.nsn
const withNsn = (b: PhoneBase, nsn: string): PhoneBase => ({ ...b, nsn })

/** Joins `texts` with a separator drawn for each boundary. */
const joined = (texts: string[], separator: fc.Arbitrary<string>) =>
  fc.array(separator, { minLength: texts.length, maxLength: texts.length }).map((seps) => texts.map((text, i) => (i === 0 ? '' : seps[i]) + text).join(''))

const SEPARATORS = [' ', '-', '.', '_', ',', '*', '#', ':', ';', '!', '~', '|', '=', '^', '?', '@', '&', '/', '\\', '\t', '  ', ' - ', '\u00a0', '\u2009', '\u2013', '\u2014', '\u3000', '\u00b7']
const separator = fc.constantFrom(...SEPARATORS)

/** Zero digits of scripts whose ten digits run 0 to 9 (Unicode category Nd). */
const ZEROS = [0x0660, 0x06F0, 0x0966, 0x09E6, 0x0AE6, 0x0BE6, 0x0E50, 0x1040, 0xFF10, 0x1D7CE]
const inScript = (text: string, zero: number, picks: boolean[]) =>
  [...text].map((char, i) => (/\d/.test(char) && (picks[i % picks.length] ?? true)) ? String.fromCodePoint(zero + Number(char)) : char).join('')
const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD', '\u200E', '\u200F', '\u2066', '\u2069', '\u202A', '\u202C', '\u202E']

const ZERO_WORDS = ['nought', 'oh', 'o', 'zero', 'naught']
const DIGIT_WORDS = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']
const wordCase = fc.constantFrom((s: string) => s, (s: string) => s.toUpperCase(), (s: string) => s.charAt(0).toUpperCase() + s.slice(1))

/** Digits as words: a zero word drawn each time, double and treble for runs when `repeats` says so. */
function spoken (text: string, choices: number[], caseOf: (s: string) => string, sep: string): string {
  const words: string[] = []
  let k = 0
  const next = () => choices[k++ % choices.length] ?? 0
  for (let i = 0; i < text.length;) {
    const d = text.charAt(i)
    let run = 1
    while (text.charAt(i + run) === d) run++
    const word = d === '0' ? (ZERO_WORDS[next() % ZERO_WORDS.length] as string) : (DIGIT_WORDS[Number(d)] as string)
    const take = run >= 3 && next() % 2 === 0 ? 3 : run >= 2 && next() % 2 === 0 ? 2 : 1
    words.push(take === 3 ? `treble ${word}` : take === 2 ? `double ${word}` : word)
    i += take
  }
  return words.map(caseOf).join(sep)
}
const wordSeparator = fc.constantFrom(' ', ', ', '-', ' - ', '  ', '; ')
const choices = fc.array(fc.nat({ max: 9 }), { minLength: 1, maxLength: 20 })

/** Keypad letters (ITU-T E.161); O, I and L are left out, because O, I and l are also read as 0 and 1. */
const KEYPAD = ['', '', 'ABC', 'DEF', 'GHI', 'JKL', 'MNO', 'PQRS', 'TUV', 'WXYZ']

/** Another number of the catalogue's ranges, not `b`. */
const otherThan = (b: PhoneBase) => base.filter((o) => o.cc !== b.cc || o.nsn !== b.nsn)
const listSeparator = fc.constantFrom(', ', '; ', ' or ', ' / ', '\n', ' and ', ' & ', ' mobile ', ',')
function among (entry: string, others: string[], at: number, sep: string): string {
  const list = [...others]
  list.splice(at % (list.length + 1), 0, entry)
  return list.join(sep)
}


/** Cyrillic letters typed for the digits they look like (read as digits only glued to a digit). */
const CYRILLIC_DIGITS: Readonly<Record<string, string[]>> = { 0: ['\u041e', '\u043e'], 3: ['\u0417', '\u0437'], 4: ['\u0427'], 6: ['\u0431'] }
/** The text with some digits that follow a digit written as Cyrillic lookalikes. */
const cyrillic = (text: string, picks: boolean[]) => [...text].map((char, i) => {
  const options = CYRILLIC_DIGITS[char]
  return options !== undefined && /\d/.test(text.charAt(i - 1)) && (picks[i % picks.length] ?? false) ? options[i % options.length] as string : char
}).join('')

/** Some digits of the text as single number words, glued to the digits beside them or spaced. */
function singleWords (text: string, picks: boolean[], glued: boolean): string {
  const pieces = [...text].map((char, i) => /\d/.test(char) && (picks[i % picks.length] ?? false)
    ? { word: true, text: char === '0' ? 'zero' : DIGIT_WORDS[Number(char)] as string }
    : { word: false, text: char })
  return pieces.map((piece, i) => {
    const before = pieces[i - 1]
    if (i === 0) return piece.text
    return (piece.word && before?.word === true) || !glued ? ` ${piece.text}` : piece.text
  }).join('')
}

/** The logical text that a right-to-left override (char by char) or isolate (digit runs kept) shows as `text`. */
const overridden = (text: string) => '\u202e' + [...text].reverse().join('') + '\u202c'
const isolated = (text: string) => '\u2067' + (text.match(/\d+|\D/g) ?? []).reverse().join('') + '\u2069'

/** Stray digits set apart from the number: a list number, a count, a date, 24/7, padding. */
const strayAround = fc.tuple(fc.integer({ min: 1, max: 99 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }))
  .chain(([n, day, month]) => fc.constantFrom(`${n}. {}`, `${n}) {}`, `{} (${n})`, `{} ${day}/${month}/2026`, `Tel {} ${day}/${month}`, '{} 24/7', `${n} {}`, '0 0 0 {}'))

// ---- rewrites that keep the number

const keeps: Array<Transformation<PhoneBase>> = [
  { name: 'any separator at each group boundary', class: 'separators', variant: (b) => joined(parts(b), separator) },
  {
    name: 'the digits regrouped with spaces, dashes or dots',
    class: 'grouping',
    variant: (b) => fc.tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 6 }), fc.constantFrom(' ', '-', '.', ''))
      .map(([sizes, sep]) => isUk(b) ? cut('0' + b.nsn, sizes).join(sep) : `+${b.cc} ${cut(b.nsn, sizes).join(sep)}`)
  },
  { name: '+CC and the national groups', class: 'international form', variant: (b) => joined(internationalParts(b), fc.constantFrom(' ', '-', '')) },
  { name: '00 and the country code', class: 'international form', variant: (b) => fc.constantFrom(' ', '').map((sep) => '00' + internationalParts(b).join(sep).slice(1)) },
  { name: 'the country code without its + (a spreadsheet lost it)', class: 'international form', variant: (b) => fc.constantFrom(' ', '').map((sep) => internationalParts(b).join(sep).slice(1)) },
  {
    name: 'the trunk 0 kept in brackets after the country code',
    class: 'international form',
    variant: (b) => {
      if (!b.trunk) return fc.constant(display(b))
      return fc.constantFrom('+', '00', '').map((start) => `${start}${b.cc} (0)${b.nsn}`)
    }
  },
  { name: 'a doubled or full-width plus', class: 'plus signs', variant: (b) => fc.constantFrom('++', '+ +', '\uFF0B').map((plus) => plus + internationalParts(b).join(' ').slice(1)) },
  {
    name: 'digits of other scripts, some or all',
    class: 'other scripts',
    variant: (b) => fc.tuple(fc.constantFrom(...ZEROS), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 })).map(([zero, picks]) => inScript(display(b), zero, picks))
  },
  {
    name: 'zero-width and bidi characters anywhere',
    class: 'invisible characters',
    variant: (b) => fc.array(fc.tuple(fc.nat(), fc.constantFrom(...INVISIBLE)), { minLength: 1, maxLength: 5 }).map((inserts) => {
      const chars = [...display(b)]
      for (const [at, mark] of inserts) chars.splice(at % (chars.length + 1), 0, mark)
      return chars.join('')
    })
  },
  {
    name: 'every digit in words (nought, oh, double, treble)',
    class: 'number words',
    variant: (b) => fc.tuple(choices, wordCase, wordSeparator).map(([picks, caseOf, sep]) => spoken(dialled(b), picks, caseOf, sep))
  },
  {
    name: 'the first digits as digits, the rest in words',
    class: 'number words',
    variant: (b) => fc.tuple(fc.integer({ min: 3, max: 8 }), choices, wordCase, wordSeparator)
      .map(([k, picks, caseOf, sep]) => `${dialled(b).slice(0, k)} ${spoken(dialled(b).slice(k), picks, caseOf, sep)}`)
  },
  {
    name: 'in a list with other numbers',
    class: 'several numbers',
    variant: (b) => fc.tuple(fc.array(otherThan(b), { minLength: 1, maxLength: 2 }), fc.nat(), listSeparator)
      .map(([others, at, sep]) => among(display(b), others.map(display), at, sep))
  },
  {
    name: 'an alternative last digit after a slash, either way round',
    class: 'several numbers',
    variant: (b) => fc.tuple(fc.integer({ min: 0, max: 9 }), fc.boolean()).map(([d, first]) => {
      const text = display(b)
      const last = text.slice(-1)
      const other = String(d) === last ? String((d + 1) % 10) : String(d)
      return first ? `${text}/${other}` : `${text.slice(0, -1)}${other}/${last}`
    })
  },
  {
    name: 'among words',
    class: 'among words',
    variant: (b) => fc.constantFrom('call me on {} after 9', 'text {} (mum)', 'Work: {}', 'ring {} before 8pm', 'Flat 2: {}', '{} ask for extension 4', 'mobile no. {} thanks', 'A1234BC to {}')
      .map((template) => template.replace('{}', display(b)))
  },
  { name: 'a tel: URI with a global number', class: 'uri', variant: (b) => fc.constantFrom('tel:', 'TEL:').map((scheme) => scheme + internationalParts(b).join('-')) },
  {
    name: 'a tel: URI with a local number and phone-context',
    class: 'uri',
    variant: (b) => fc.tuple(fc.constantFrom('', '-'), fc.constantFrom('', ';ext=12', ';isub=1')).map(([sep, extra]) =>
      `tel:${b.trunk ? '0' : ''}${cut(b.nsn, b.groups).join(sep)}${extra};phone-context=+${b.cc}`)
  },
  { name: 'a + escaped as %2B, spaces as %20', class: 'percent escapes', variant: (b) => fc.constantFrom('', '%20').map((sep) => '%2B' + internationalParts(b).join(sep).slice(1)) },
  { name: 'a SIP URI', class: 'uri', variant: (b) => fc.constantFrom('%2B', '+').map((plus) => `sip:${plus}${b.cc}${b.nsn}@gateway.example;user=phone`) },
  {
    name: 'a malformed percent-escape at a group boundary',
    class: 'percent escapes',
    variant: (b) => fc.tuple(fc.nat(), fc.constantFrom('%E0', '%FF', '%C3', '%80', '%E2%82')).map(([at, bad]) => {
      const p = parts(b)
      const k = 1 + (at % Math.max(1, p.length - 1))
      return p.slice(0, k).join(' ') + bad + p.slice(k).join(' ')
    })
  },
  {
    name: 'an extension',
    class: 'extension',
    variant: (b) => fc.tuple(fc.constantFrom(' x', 'x', ' x ', ' ext. ', ' ext ', ', ext: ', ' extension ', ';ext=', ' #'), fc.integer({ min: 1, max: 999 }))
      .map(([marker, n]) => `${display(b)}${marker}${n}`)
  },
  {
    name: 'a caller-ID or text-relay prefix',
    class: 'dial prefixes',
    variant: (b) => fc.constantFrom('141 ', '1470 ', '18001 ', '18002 ', '#31#', '*31# ', '141 18001 ', '141').map((prefix) => prefix + display(b))
  },
  {
    name: 'spreadsheet debris',
    class: 'messy export',
    variant: (b) => fc.constantFrom(
      `="${display(b).replace(/ /g, '')}"`, `'${display(b)}`, `${b.cc}${b.nsn}.0`, `0+${b.cc}${b.nsn}`, `00+${b.cc}${b.nsn}`,
      isUk(b) ? `${b.nsn}.0` : `+${b.cc}${b.nsn}`, isUk(b) ? `+0${b.nsn}` : `+${b.cc}${b.nsn}`)
  },
  {
    name: 'keypad letters for the last digits, or O and l for 0 and 1',
    class: 'spelled numbers',
    variant: (b) => fc.tuple(fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 8 }), fc.boolean()).map(([picks, lower]) => {
      const text = display(b)
      const run = /[2-9]+$/.exec(text)?.[0] ?? ''
      if (run === '') return text.replace(/0/g, 'O').replace(/1/g, lower ? 'l' : 'I')
      // letters glued to a digit: after a space they may be a word ("0808 157 0 CAT")
      const glued = /\d/.test(text.charAt(text.length - run.length - 1))
      const keep = Math.max(glued ? 0 : 1, run.length - 3)
      const letters = [...run.slice(keep)].map((d, i) => {
        const keys = (KEYPAD[Number(d)] as string).replace(/[OIL]/g, '')
        return keys.charAt((picks[i % picks.length] ?? 0) % keys.length)
      }).join('')
      const spelled = text.slice(0, text.length - run.length + keep) + letters
      return lower ? spelled.toLowerCase() : spelled
    })
  },
  { name: 'spaces, tabs and newlines around it', class: 'whitespace', variant: (b) => fc.tuple(fc.constantFrom(' ', '\t', '\n', '  ', ''), fc.constantFrom(' ', '\t', '\n', '')).map(([l, r]) => l + display(b) + r) },
  {
    name: 'the area code in brackets',
    class: 'brackets',
    variant: (b) => {
      const [head = '', ...rest] = parts(b)
      return fc.constantFrom(`(${head}) ${rest.join(' ')}`, `(${head})${rest.join('')}`, `[${head}] ${rest.join('-')}`)
    }
  },
  { name: 'the trunk 0 lost (a spreadsheet dropped it)', class: 'messy export', variant: (b) => fc.constantFrom(' ', '').map((sep) => isUk(b) ? cut(b.nsn, [b.groups[0] as number - 1, ...b.groups.slice(1)]).join(sep) : `+${b.cc}${sep}${b.nsn}`) },
  {
    name: 'other-script digits, separators and words at once',
    class: 'combined disguise',
    variant: (b) => fc.tuple(fc.constantFrom(...ZEROS), separator, fc.constantFrom('call ', 'tel ', 'mob: ', '')).map(([zero, sep, label]) =>
      `${label}${inScript(parts(b).join(sep), zero, [true, false])}\u200B`)
  },
  { name: 'the same number twice', class: 'several numbers', variant: (b) => listSeparator.map((sep) => `${display(b)}${sep}${internationalParts(b).join('')}`) },
  {
    name: 'stray digits or a cut-off number after a list separator',
    class: 'several numbers',
    variant: (b) => fc.tuple(fc.constantFrom(',', ';', '; ', ', ', ' | ', '&', '\n'), fc.stringMatching(/^[0-9]{1,6}$/))
      .map(([sep, stray]) => `${display(b)}${sep}${stray}`)
  },
  { name: 'stray digits set apart beside it', class: 'stray digits', variant: (b) => strayAround.map((template) => template.replace('{}', display(b))) },
  {
    name: 'a cut-off second number after it',
    class: 'stray digits',
    variant: (b) => fc.tuple(otherThan(b), fc.integer({ min: 9, max: 12 })).map(([o, k]) => `${display(b)} ${display(o).slice(0, k)}`)
  },
  {
    name: 'single number words among the digits, glued or spaced',
    class: 'number words',
    variant: (b) => fc.tuple(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.boolean()).map(([picks, glued]) => singleWords(display(b), picks, glued))
  },
  { name: 'Cyrillic lookalikes glued to digits', class: 'spelled numbers', variant: (b) => fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }).map((picks) => cyrillic(display(b), picks)) },
  { name: 'shown right to left by an override or an isolate', class: 'right-to-left text', variant: (b) => fc.constantFrom(overridden(display(b)), isolated(display(b))) },
  {
    name: 'the country code twice, or a 0 between + and the code',
    class: 'plus signs',
    variant: (b) => fc.constantFrom(`+${b.cc} ${internationalParts(b).join(' ')}`, `+0${b.cc} ${internationalParts(b).slice(1).join(' ')}`)
  }
]

// ---- other numbers next to it

/** The base with one NSN digit among the last four replaced by another digit. */
const oneDigitChanged = (b: PhoneBase) => fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 9 })).map(([back, step]) => {
  const i = b.nsn.length - back
  const d = (Number(b.nsn.charAt(i)) + step) % 10
  return withNsn(b, b.nsn.slice(0, i) + String(d) + b.nsn.slice(i + 1))
})

const neighbours: Array<Transformation<PhoneBase>> = [
  { name: 'one digit changed', class: 'neighbour', variant: (b) => oneDigitChanged(b).map(display) },
  {
    name: 'two adjacent digits swapped',
    class: 'neighbour',
    variant: (b) => {
      // among the last five digits, the pairs that differ (a number ending 0000 has one further back)
      const at = [...b.nsn].map((_, i) => i).filter((i) => i + 1 < b.nsn.length && b.nsn.charAt(i) !== b.nsn.charAt(i + 1))
      return fc.constantFrom(...at.slice(-4)).map((i) => display(withNsn(b, b.nsn.slice(0, i) + b.nsn.charAt(i + 1) + b.nsn.charAt(i) + b.nsn.slice(i + 2))))
    }
  },
  {
    name: 'one digit dropped',
    class: 'neighbour',
    variant: (b) => fc.integer({ min: 1, max: 6 }).map((back) => {
      const i = b.nsn.length - back
      return display(withNsn(b, b.nsn.slice(0, i) + b.nsn.slice(i + 1)))
    })
  },
  { name: 'one digit added at the end', class: 'neighbour', variant: (b) => fc.integer({ min: 0, max: 9 }).map((d) => `${display(b)}${d}`) },
  { name: 'one digit added after a space', class: 'neighbour', variant: (b) => fc.tuple(fc.integer({ min: 0, max: 9 }), fc.constantFrom(' ', '-', '.')).map(([d, sep]) => `${display(b)}${sep}${d}`) },
  {
    name: 'another number in the same range',
    class: 'neighbour',
    variant: (b) => digits(3).filter((tail) => tail !== b.nsn.slice(-3)).map((tail) => display(withNsn(b, b.nsn.slice(0, -3) + tail)))
  },
  {
    name: 'the same last digits in another range',
    class: 'neighbour',
    variant: (b) => otherThan(b).map((o) => withNsn(o, o.nsn.slice(0, -3) + b.nsn.slice(-3)))
      .filter((moved) => moved.cc !== b.cc || moved.nsn !== b.nsn).map(display)
  },
  {
    name: 'the same national digits under another country code',
    class: 'another country',
    variant: (b) => fc.constantFrom(...['1', '33', '61', '353', '49', '44', '4'].filter((cc) => cc !== b.cc))
      .map((cc) => `+${cc} ${cut(b.nsn, b.groups).join(' ')}`)
  },
  {
    name: 'national digits read in another country\'s phone-context',
    class: 'another country',
    variant: (b) => fc.constantFrom(...['44', '33', '1', '61'].filter((cc) => cc !== b.cc)).map((cc) => `tel:${national(b)};phone-context=+${cc}`)
  },
  {
    name: 'a neighbour in number words',
    class: 'number words',
    variant: (b) => fc.tuple(oneDigitChanged(b), choices, wordCase, wordSeparator).map(([n, picks, caseOf, sep]) => spoken(dialled(n), picks, caseOf, sep))
  },
  {
    name: 'a neighbour in other-script digits',
    class: 'other scripts',
    variant: (b) => fc.tuple(oneDigitChanged(b), fc.constantFrom(...ZEROS)).map(([n, zero]) => inScript(display(n), zero, [true]))
  },
  {
    name: 'a list of neighbours',
    class: 'several numbers',
    variant: (b) => fc.tuple(fc.array(oneDigitChanged(b), { minLength: 2, maxLength: 3 }), listSeparator).map(([ns, sep]) => ns.map(display).join(sep))
  },
  {
    name: 'an emergency or short number, or the last digits alone',
    class: 'emergency lookalike',
    variant: (b) => fc.constantFrom('999', '112', '101', '111', '116 123', '118 118', b.nsn.slice(-3), b.nsn.slice(-4), '9 9 9')
  },
  { name: 'a neighbour with + escaped as %2B', class: 'percent escapes', variant: (b) => oneDigitChanged(b).map((n) => `%2B${n.cc}${n.nsn}`) },
  { name: 'a neighbour after a dial prefix', class: 'dial prefixes', variant: (b) => fc.tuple(oneDigitChanged(b), fc.constantFrom('141 ', '1470 ', '18001 ', '#31#')).map(([n, prefix]) => prefix + display(n)) },
  {
    name: 'a neighbour among words with a stray digit',
    class: 'among words',
    variant: (b) => oneDigitChanged(b).map((n) => `call me on ${display(n)} after 9`)
  },
  { name: 'a neighbour with stray digits set apart beside it', class: 'stray digits', variant: (b) => fc.tuple(oneDigitChanged(b), strayAround).map(([n, template]) => template.replace('{}', display(n))) },
  {
    name: 'two digits added after a space',
    class: 'stray digits',
    variant: (b) => fc.tuple(fc.integer({ min: 0, max: 99 }), fc.constantFrom(' ', '-', ' 0')).map(([d, sep]) => `${display(b)}${sep}${String(d).padStart(2, '0')}`)
  },
  {
    name: 'a neighbour in single number words',
    class: 'number words',
    variant: (b) => fc.tuple(oneDigitChanged(b), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.boolean()).map(([n, picks, glued]) => singleWords(display(n), picks, glued))
  },
  { name: 'a neighbour with Cyrillic lookalikes', class: 'spelled numbers', variant: (b) => fc.tuple(oneDigitChanged(b), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 })).map(([n, picks]) => cyrillic(display(n), picks)) },
  { name: 'a neighbour shown right to left', class: 'right-to-left text', variant: (b) => fc.tuple(oneDigitChanged(b), fc.boolean()).map(([n, override]) => override ? overridden(display(n)) : isolated(display(n))) },
  {
    name: 'a neighbour with the country code twice, or a 0 between + and the code',
    class: 'plus signs',
    variant: (b) => fc.tuple(oneDigitChanged(b), fc.boolean()).map(([n, twice]) => twice ? `+${n.cc} ${internationalParts(n).join(' ')}` : `+0${n.cc} ${internationalParts(n).slice(1).join(' ')}`)
  }
]

export const phoneCatalogue: KindCatalogue<PhoneBase> = {
  kind: 'phone',
  base,
  entry: display,
  keeps,
  neighbours
}
