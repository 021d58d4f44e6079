/**
 * The email catalogue: generated mailboxes (made-up local parts at example.org/.net/.com, *.example,
 * IDN .example domains and the providers with rules of their own), the ways people write them that
 * must still meet the block, and the other mailboxes next to them that must not.
 */
import fc from 'fast-check'
import { domainToASCII } from 'node:url'
import type { KindCatalogue, Transformation } from './catalogue.js'

type Provider = 'plain' | 'gmail' | 'proton' | 'icloud' | 'fastmail' | 'microsoft' | 'idn'

export interface EmailBase {
  /** the local part's words, joined by dots */
  words: string[]
  /** digits after the last word, or '' */
  digits: string
  domain: string
  provider: Provider
}

const local = (base: EmailBase) => base.words.join('.') + base.digits
const address = (base: EmailBase) => `${local(base)}@${base.domain}`

/** Words a reader takes for an at or a dot, or for a mailto: scheme, are not generated. */
const RESERVED = new Set(['at', 'dot', 'mailto', 'or', 'full', 'stop', 'fullstop', 'period'])
const word = fc.stringMatching(/^[a-z]{2,8}$/).filter((w) => !RESERVED.has(w))

const PROTON = ['proton.me', 'protonmail.com', 'protonmail.ch', 'pm.me']
const DOMAINS: ReadonlyArray<[Provider, fc.Arbitrary<string>]> = [
  ['plain', fc.oneof(fc.constantFrom('example.org', 'example.net', 'example.com'), word.map((w) => `${w}.example`),
    word.map((w) => `${w}.example.org`), word.map((w) => `mail.${w}.example`))],
  ['gmail', fc.constant('gmail.com')],
  ['proton', fc.constantFrom(...PROTON)],
  ['icloud', fc.constantFrom('icloud.com', 'me.com', 'mac.com')],
  ['fastmail', fc.constant('fastmail.com')],
  ['microsoft', fc.constantFrom('hotmail.com', 'outlook.com', 'live.com')],
  ['idn', fc.oneof(fc.constantFrom('bücher.example', 'münchen.example', 'café.example'),
    fc.tuple(word, fc.constantFrom('ö', 'é', 'ñ', 'å'), word).map(([a, mark, b]) => `${a}${mark}${b}.example`))]
]

const base: fc.Arbitrary<EmailBase> = fc.tuple(
  fc.array(word, { minLength: 1, maxLength: 3 }),
  fc.oneof({ weight: 3, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 99 }).map(String) }),
  fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: DOMAINS.length - 1 }) })
).chain(([words, digits, which]) => {
  const [provider, domain] = DOMAINS[which] ?? DOMAINS[0] as [Provider, fc.Arbitrary<string>]
  // Fastmail's subdomain addressing takes a one-label name: one word
  const kept = provider === 'fastmail' ? words.slice(0, 1) : words
  return domain.map((d): EmailBase => ({ words: kept, digits, domain: d, provider }))
})

// ---- helpers for the transformations

/** Each character of the text through `change` where `pick` says so. */
function some (text: string, picks: boolean[], change: (char: string) => string): string {
  return [...text].map((char, i) => (picks[i % Math.max(1, picks.length)] ?? false) ? change(char) : char).join('')
}
const picks = fc.array(fc.boolean(), { minLength: 1, maxLength: 24 })
const caseOf = fc.constantFrom((s: string) => s, (s: string) => s.toUpperCase(), (s: string) => s[0]?.toUpperCase() + s.slice(1))
const name = fc.tuple(word, word).map(([a, b]) => `${a[0]?.toUpperCase()}${a.slice(1)} ${b[0]?.toUpperCase()}${b.slice(1)}`)
/** Another mailbox: its local part starts with a digit, which no base's does. */
const other = fc.tuple(fc.integer({ min: 0, max: 9 }), word, fc.constantFrom('example.com', 'example.net', 'friend.example'))
  .map(([n, w, d]) => `${n}${w}@${d}`)
const separator = fc.constantFrom(', ', ',', '; ', ';', ' ', '\n', ' or ', ' , ')

/** The address written among `others` at `at`. */
function among (entry: string, others: string[], at: number, sep: string): string {
  const list = [...others]
  list.splice(at % (list.length + 1), 0, entry)
  return list.join(sep)
}

const LOOKALIKE: Readonly<Record<string, string>> = {
  a: '\u0430', e: '\u0435', o: '\u043E', p: '\u0440', c: '\u0441', x: '\u0445', y: '\u0443', i: '\u0456', j: '\u0458', s: '\u0455', v: '\u03BD'
}
const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00AD']
const fullWidth = (char: string) => {
  const code = char.charCodeAt(0)
  return code > 0x20 && code < 0x7F ? String.fromCharCode(code + 0xFEE0) : char
}
/** The address with `mark` for @ and `dot` for every dot. */
const spelled = (base: EmailBase, at: string, dot: string) => address(base).replaceAll('.', dot).replace('@', at)
/** Each picked character as %XX escapes of its UTF-8 bytes. */
const percentEncoded = (text: string, p: boolean[]) => some(text, p, (c) =>
  [...new TextEncoder().encode(c)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''))
/** Labels that directory exports and address books put before an address. */
const LABELS_BEFORE = ['SMTP:', 'smtp:', 'sip:', 'SIP:', 'email:', 'E-mail:', 'mail:', 'Email: ']
/** Full stops of other widths and scripts: ideographic, full-width, half-width ideographic. */
const FULL_STOPS = ['\u3002', '\uFF0E', '\uFF61']
/** The address after as many other addresses as a field of 320 characters holds beside it. */
function fullList (entry: string, others: string[], sep: string): string {
  const list: string[] = []
  for (const o of others) {
    if ([...list, o, entry].join(sep).length > 320) break
    list.push(o)
  }
  return [...list, entry].join(sep)
}
/** A transformation with its name and class. */
const named = (label: string, cls: string, variant: (b: EmailBase) => fc.Arbitrary<string>): Transformation<EmailBase> =>
  ({ name: label, class: cls, variant })

/** Another spelling of the same mailbox under the base's provider's own rules (see src/domain/email.ts). */
function providerSpelling (b: EmailBase, p: boolean[], otherDomain: boolean): string {
  switch (b.provider) {
    case 'gmail': return `${some(local(b).replaceAll('.', ''), p, (c) => `${c}.`)}@${otherDomain ? 'googlemail.com' : 'gmail.com'}`
    case 'proton': return `${b.words.join(p[0] === true ? '_' : '-')}${b.digits}@${otherDomain ? (b.domain === 'pm.me' ? 'proton.me' : 'pm.me') : b.domain}`
    case 'icloud': return `${local(b)}@${b.domain === 'me.com' ? 'mac.com' : 'me.com'}`
    case 'fastmail': return otherDomain ? `${local(b)}+${b.words[0] ?? ''}@fastmail.com` : `${b.words[0] ?? ''}@${local(b)}.fastmail.com`
    case 'idn': return `${local(b)}@${otherDomain ? domainToASCII(b.domain).toUpperCase() : domainToASCII(b.domain)}`
    case 'plain': case 'microsoft': return `${local(b)}+${otherDomain ? 'x' : ''}@${otherDomain ? b.domain.toUpperCase() : b.domain}`
  }
}

const keeps: Array<Transformation<EmailBase>> = [
  named('upper case', 'case', (b) => fc.constant(address(b).toUpperCase())),
  named('any letters in capitals', 'case', (b) => picks.map((p) => some(address(b), p, (c) => c.toUpperCase()))),
  named('display name and angle brackets', 'display name', (b) => name.map((n) => `${n} <${address(b)}>`)),
  named('quoted display name with a comma', 'display name', (b) => name.map((n) => `"${n.split(' ').reverse().join(', ')}" <${address(b)}>`)),
  named('angle brackets, spaces inside or not', 'display name', (b) => fc.constantFrom('', ' ').map((s) => `<${s}${address(b)}${s}>`)),
  named('mailto: with a query', 'mailto', (b) => fc.tuple(caseOf, word).map(([c, w]) => `${c('mailto')}:${address(b)}?subject=${w}%20${w}&body=${w}`)),
  named('mailto: another address, this one percent-encoded in cc or bcc', 'mailto',
    (b) => fc.tuple(other, fc.constantFrom('cc', 'bcc', 'to', 'CC')).map(([o, f]) => `mailto:${o}?${f}=${address(b).replace('@', '%40')}`)),
  named('in a list with others, at any position', 'lists',
    (b) => fc.tuple(fc.array(other, { minLength: 1, maxLength: 4 }), fc.nat(), separator).map(([os, at, sep]) => among(address(b), os, at, sep))),
  named('in a list of named addresses, at any position', 'lists',
    (b) => fc.tuple(fc.array(fc.tuple(name, other), { minLength: 1, maxLength: 3 }), name, fc.nat(), fc.constantFrom(', ', '; ', ' '))
      .map(([os, n, at, sep]) => among(`${n} <${address(b)}>`, os.map(([on, o]) => `${on} <${o}>`), at, sep))),
  named('trailing punctuation', 'punctuation', (b) => fc.constantFrom('.', ',', ';', '!', '?', ':', '.)').map((p) => `${address(b)}${p}`)),
  named('wrapped in brackets or quotes', 'punctuation',
    (b) => fc.constantFrom(['(', ')'], ['[', ']'], ['"', '"'], ["'", "'"], ['{', '}']).map(([l, r]) => `${l}${address(b)}${r}`)),
  named('at and dot as words', 'obfuscation', (b) => fc.tuple(caseOf, caseOf).map(([ca, cd]) => spelled(b, ` ${ca('at')} `, ` ${cd('dot')} `))),
  named('at and dot in brackets', 'obfuscation',
    (b) => fc.tuple(fc.constantFrom('[]', '()', '{}', '<>'), fc.constantFrom('', ' '), fc.constantFrom('at', 'AT', '@'), fc.constantFrom('dot', 'DOT', '.'), fc.boolean())
      .map(([[l, r] = '', space, at, dot, dotsToo]) => spelled(b, `${space}${l}${at}${r}${space}`, dotsToo ? `${space}${l}${dot}${r}${space}` : '.'))),
  named('spaces around @ and dots', 'obfuscation', (b) => fc.tuple(fc.constantFrom(' ', '  ', ''), fc.constantFrom(' ', '')).map(([sa, sd]) => spelled(b, `${sa}@${sa}`, `${sd}.${sd}`))),
  named('letters spaced out', 'spaced letters', (b) => fc.constantFrom(' ', '  ').map((s) => [...address(b)].join(s))),
  named('a space inside the local part or the domain', 'spaced letters',
    (b) => fc.nat().map((n) => {
      const text = address(b)
      const at = 1 + (n % (text.length - 1))
      return `${text.slice(0, at)} ${text.slice(at)}`
    })),
  named('quoted local part', 'RFC 5322', (b) => fc.constant(`"${local(b)}"@${b.domain}`)),
  named('a comment anywhere', 'RFC 5322',
    (b) => fc.tuple(word, fc.constantFrom(0, 1, 2, 3)).map(([w, where]) => {
      const [l, d] = [local(b), b.domain]
      return [`(${w})${l}@${d}`, `${l}(${w})@${d}`, `${l}@(${w})${d}`, `${l}@${d} (${w})`][where] ?? ''
    })),
  named('lookalike letters of other scripts', 'lookalikes', (b) => picks.map((p) => some(address(b), p, (c) => LOOKALIKE[c] ?? c))),
  named('full-width characters', 'full-width', (b) => picks.map((p) => some(address(b), p, fullWidth))),
  named('zero-width and other invisible characters', 'invisible characters',
    (b) => fc.tuple(picks, fc.constantFrom(...INVISIBLE)).map(([p, z]) => some(address(b), p, (c) => `${c}${z}`))),
  named('a +tag', 'sub-addressing', (b) => fc.stringMatching(/^[a-z0-9.]{0,10}$/).map((tag) => `${local(b)}+${tag}@${b.domain}`)),
  named('trailing dot of the domain', 'FQDN', (b) => fc.constantFrom('.', '..').map((d) => `${address(b)}${d}`)),
  named('white space around it', 'spacing', (b) => fc.tuple(fc.constantFrom(' ', '\t', '\u00A0', '\u3000'), fc.constantFrom('', ' ', '\n')).map(([l, r]) => `${l}${address(b)}${r}`)),
  named('provider spellings: Gmail dots anywhere, Proton separators, Fastmail subdomains, IDN punycode, iCloud aliases', 'provider rules',
    (b) => picks.map((p) => providerSpelling(b, p, false))),
  named('provider domains: googlemail, another Proton domain, Fastmail +name, punycode in capitals, me.com and mac.com', 'provider rules',
    (b) => picks.map((p) => providerSpelling(b, p, true))),
  named('at and dot words between hyphens, underscores or slashes', 'obfuscation',
    (b) => fc.tuple(fc.constantFrom('-', '_', '/'), fc.constantFrom('dot', 'DOT', 'period'), caseOf)
      .map(([d, dot, c]) => spelled(b, `${d}${c('at')}${d}`, `${d}${dot}${d}`))),
  named('full stop or period for every dot, at as a word', 'obfuscation',
    (b) => fc.tuple(fc.constantFrom('full stop', 'Full Stop', 'fullstop', 'period', 'PERIOD'), caseOf).map(([dot, c]) => spelled(b, ` ${c('at')} `, ` ${dot} `))),
  named('ideographic, full-width or half-width full stops for any dots', 'full stops',
    (b) => fc.tuple(picks, fc.constantFrom(...FULL_STOPS)).map(([p, stop]) => some(address(b), p, (c) => c === '.' ? stop : c))),
  named('a label before the address, as in directory exports (SMTP:, sip:, e-mail:)', 'labels',
    (b) => fc.constantFrom(...LABELS_BEFORE).map((label) => `${label}${address(b)}`)),
  named('percent-encoded, any characters', 'percent-encoding', (b) => picks.map((p) => percentEncoded(address(b), p))),
  named('percent-encoded twice, any characters', 'percent-encoding',
    (b) => picks.map((p) => percentEncoded(address(b), p).replaceAll('%', '%25'))),
  named('last of as many addresses as the field holds', 'lists',
    (b) => fc.tuple(fc.array(other, { minLength: 30, maxLength: 40 }), fc.constantFrom(',', ', ', ';', '\n', ' ')).map(([os, sep]) => fullList(address(b), os, sep))),
  named('beside another address, a full stop and a space between', 'lists',
    (b) => fc.tuple(other, fc.boolean()).map(([o, first]) => first ? `${address(b)}. ${o}` : `${o}. ${address(b)}`)),
  named('display name, mailto:, capitals, +tag and trailing dot at once', 'combined',
    (b) => name.map((n) => `${n} <MAILTO:${local(b).toUpperCase()}+x@${b.domain}.>`)),
  named('words and a space inside the domain at once', 'combined',
    (b) => fc.constant(`${b.words.join(' dot ')}${b.digits} at ${b.domain.slice(0, 1)} ${b.domain.slice(1).replaceAll('.', ' dot ')}`))
]

// ---- neighbours: another mailbox

const LABELS = ['org', 'net', 'com', 'uk', 'example', 'test']
const lastLabel = (domain: string) => domain.slice(domain.lastIndexOf('.') + 1)
/** The domain under another top-level domain (protonmail.ch and protonmail.com are one: never that). */
const otherTld = (b: EmailBase) => fc.constantFrom(...LABELS.filter((l) => l !== lastLabel(b.domain)))
  .map((tld) => b.domain.slice(0, b.domain.lastIndexOf('.') + 1) + tld)
  .map((d) => PROTON.includes(d) ? `${d}.example` : d)
/** A position in the local part that holds a letter. */
const letterAt = (b: EmailBase) => fc.nat().map((n) => {
  const text = local(b)
  const letters = [...text].flatMap((c, i) => c >= 'a' && c <= 'z' ? [i] : [])
  return letters[n % letters.length] ?? 0
})

const neighbours: Array<Transformation<EmailBase>> = [
  named('one letter changed in the local part', 'another mailbox',
    (b) => fc.tuple(letterAt(b), fc.integer({ min: 1, max: 25 })).map(([i, shift]) => {
      const text = local(b)
      const changed = String.fromCharCode(97 + ((text.charCodeAt(i) - 97 + shift) % 26))
      return `${text.slice(0, i)}${changed}${text.slice(i + 1)}@${b.domain}`
    })),
  named('a letter dropped from the local part', 'another mailbox',
    (b) => letterAt(b).map((i) => `${local(b).slice(0, i)}${local(b).slice(i + 1)}@${b.domain}`)),
  named('a digit appended', 'another mailbox', (b) => fc.integer({ min: 0, max: 9 }).map((d) => `${local(b)}${d}@${b.domain}`)),
  named('a dot added outside Gmail and Proton (a hyphen at Gmail, a digit at Proton)', 'another mailbox',
    (b) => fc.nat().map((n) => {
      const [first = '', ...rest] = b.words
      const at = 1 + (n % (first.length - 1))
      const mark = b.provider === 'gmail' ? '-' : b.provider === 'proton' ? '7' : '.'
      return `${[`${first.slice(0, at)}${mark}${first.slice(at)}`, ...rest].join('.')}${b.digits}@${b.domain}`
    })),
  named('another domain: a letter added to its first label', 'another domain',
    (b) => fc.tuple(fc.nat(), fc.stringMatching(/^[a-z]$/)).map(([n, c]) => {
      const end = b.domain.indexOf('.')
      const at = n % (end + 1)
      return `${local(b)}@${b.domain.slice(0, at)}${c}${b.domain.slice(at)}`
    })),
  named('another top-level domain', 'another domain', (b) => otherTld(b).map((d) => `${local(b)}@${d}`)),
  // a hyphen in the subdomain: under fastmail.com it is a name no base has
  named('a subdomain added', 'another domain', (b) => word.map((w) => `${local(b)}@${w}-mx.${b.domain}`)),
  named('hotmail, outlook and live are different mailboxes', 'another provider',
    (b) => fc.constantFrom(...['hotmail.com', 'outlook.com', 'live.com'].filter((d) => d !== b.domain)).map((d) => `${local(b)}@${d}`)),
  named('the same name at Gmail (at gmail.co.uk for a Gmail name)', 'another provider',
    (b) => fc.constant(`${local(b)}@${b.provider === 'gmail' ? 'gmail.co.uk' : 'gmail.com'}`)),
  named('only other addresses in a list', 'lists',
    () => fc.tuple(fc.array(other, { minLength: 1, maxLength: 4 }), separator).map(([os, sep]) => os.join(sep))),
  named('the address in a mailto subject, not a recipient', 'mailto',
    (b) => other.map((o) => `mailto:${o}?subject=${encodeURIComponent(address(b))}`)),
  named('at and dot as words, another top-level domain', 'obfuscation',
    (b) => otherTld(b).map((d) => `${b.words.join(' dot ')}${b.digits} at ${d.replaceAll('.', ' dot ')}`)),
  named('letters spaced out, another top-level domain', 'obfuscation',
    (b) => otherTld(b).map((d) => [...`${local(b)}@${d}`].join(' '))),
  named('at and dot words between underscores, another top-level domain', 'obfuscation',
    (b) => otherTld(b).map((d) => `${local(b)}@${d}`.replaceAll('.', '_dot_').replace('@', '_at_'))),
  named('a dot word between underscores in an address with its own @', 'another mailbox',
    (b) => fc.constant(`${b.words.length > 1 ? b.words.join('_dot_') : `${b.words[0] ?? ''}_dot_${b.words[0] ?? ''}`}${b.digits}@${b.domain}`)),
  named('a label before the address, another top-level domain', 'labels',
    (b) => fc.tuple(fc.constantFrom(...LABELS_BEFORE), otherTld(b)).map(([label, d]) => `${label}${local(b)}@${d}`)),
  named('percent-encoded, another top-level domain', 'percent-encoding',
    (b) => fc.tuple(picks, otherTld(b)).map(([p, d]) => percentEncoded(`${local(b)}@${d}`, p))),
  named('a full list of other addresses only', 'lists',
    () => fc.tuple(fc.array(other, { minLength: 30, maxLength: 40 }), fc.constantFrom(',', ' ')).map(([os, sep]) => fullList(os[0] ?? '', os.slice(1), sep)))
]

export const emailCatalogue: KindCatalogue<EmailBase> = {
  kind: 'email',
  base,
  entry: address,
  keeps,
  neighbours
}
