/**
 * Email normaliser: one key for every way of writing the same mailbox (docs/MATCHING.md, Email addresses).
 *
 * - Text: trimmed and folded (src/domain/fold.ts), and every ideographic, half-width or full-width
 *   full stop (`。 ． ｡`) is a dot, in the local part too. One plain address (the common case) is
 *   keyed at once; anything else is first read into the addresses it holds by
 *   src/domain/email-read.ts: a list, display names, `mailto:` with its to/cc/bcc, RFC 5322 quoted
 *   local parts and comments, a label such as `SMTP:` before the address, percent-encoding, and
 *   addresses written to dodge a filter (`jane [at] example [dot] org`, `jane_at_example_dot_org`,
 *   spaced letters). Every
 *   address found is keyed; an entry whose field holds several stores each, with a warning, and a
 *   check looks each up. Each address is split at its LAST `@`, and its domain must have a dot.
 * - Lookalikes (src/domain/fold.ts): full-width and other compatibility forms (NFKC), invisible
 *   characters, and Cyrillic, Greek and other letters drawn like Latin ones are folded, in the local
 *   part and in the domain (also when the domain is written in punycode), so that `jаne@exаmple.org`
 *   with Cyrillic а meets `jane@example.org`. ASCII is never changed.
 * - Local part: then lower case.
 * - Sub-addressing: `+tag` is dropped from the local part for EVERY domain, not only for providers
 *   known to deliver `name+tag` to `name`. Recall comes first: a missed block can put a victim in
 *   danger, while an extra block only holds a message for a human to look at.
 * - Provider rules, for providers that deliver several spellings to one mailbox:
 *   Gmail: dots in the local part are ignored and googlemail.com is gmail.com (Google's help).
 *   Proton: protonmail.com, protonmail.ch, pm.me and proton.me are one mailbox name, and dots,
 *   hyphens and underscores in it are ignored (Proton's addresses help; the separators confirmed by
 *   Proton support, not in its documentation).
 *   iCloud: me.com and mac.com addresses are also the same name at icloud.com (Apple's help).
 *   Fastmail: subdomain addressing, `anything@jane.fastmail.com` is `jane@fastmail.com`.
 *   Elsewhere dots are significant (`a.b@example.org` is not `ab@example.org`), and hotmail.com,
 *   outlook.com and live.com are different mailboxes.
 * - Domain: trailing dot dropped, then one canonical ASCII form via `domainToASCII` (UTS #46: case,
 *   full-width forms, IDN to punycode), so `bücher.example` and `xn--bcher-kva.example` meet.
 * - Key: `e:local@domain`. Text that is not an address is blocked by its exact text (`e?:` key),
 *   with a warning; a check always looks up that fallback key too.
 *
 * Pure: no I/O, no clock, no state between calls.
 */
import { domainToASCII, domainToUnicode } from 'node:url'
import type { DetailIssue, DetailKeys } from './detail-keys.js'
import { foldEmailText, readAddresses } from './email-read.js'
import { foldText } from './fold.js'

const WHITESPACE = /\s+/gu
/** Characters that cannot stand in an address as readAddresses leaves it. */
const NOT_AN_ADDRESS = /[\s<>()[\],;:"\\]/u
const DOTS = /\./gu
/** An empty label: a leading dot or two dots in a row. */
const EMPTY_LABEL = /^\.|\.\./u

const NON_ASCII = /[^\x00-\x7F]/u
const PUNYCODE = /(?:^|\.)xn--/u

interface Provider {
  /** the one domain its mailboxes are keyed on */
  domain: string
  /** characters of the local part that the provider ignores */
  ignored: RegExp | null
}
const GMAIL: Provider = { domain: 'gmail.com', ignored: DOTS }
const PROTON: Provider = { domain: 'proton.me', ignored: /[._-]/gu }
const ICLOUD: Provider = { domain: 'icloud.com', ignored: null }
const PROVIDERS: ReadonlyMap<string, Provider> = new Map([
  ['gmail.com', GMAIL], ['googlemail.com', GMAIL],
  ['proton.me', PROTON], ['protonmail.com', PROTON], ['protonmail.ch', PROTON], ['pm.me', PROTON],
  ['icloud.com', ICLOUD], ['me.com', ICLOUD], ['mac.com', ICLOUD]
])
/** Fastmail subdomain addressing: `folder@jane.fastmail.com` is `jane@fastmail.com`. */
const FASTMAIL_SUBDOMAIN = /^([a-z0-9_-]+)\.(fastmail\.(?:com|fm))$/u

const EMPTY: DetailIssue = Object.freeze({ code: 'email_empty', message: 'is empty' })
const UNPARSED: DetailIssue = Object.freeze({
  code: 'email_unparsed',
  message: 'could not be read as an email address; blocked by its exact text'
})
const SEVERAL: DetailIssue = Object.freeze({
  code: 'email_several',
  message: 'holds several addresses, or one that can be read more than one way; each is blocked'
})

/** The text without dots at its end (a loop, not a regex: no backtracking on long runs of dots). */
function dropTrailingDots (text: string): string {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 0x2e) end--
  return text.slice(0, end)
}

/**
 * Is `domain` one that domainToASCII only lower-cases: letters, digits, hyphens and dots, no `xn--`
 * label to decode, and a last label that does not start with a digit (the URL host parser reads
 * such a domain as an IPv4 address: `a.1` is refused, `0x7f.1` becomes 127.0.0.1). Most domains
 * are; the others go to domainToASCII, a native call. test/domain/email.test.ts holds Unicode
 * domains and their punycode form to the same keys.
 */
function isPlainDomain (domain: string): boolean {
  const last = domain.lastIndexOf('.') + 1
  const first = domain.charCodeAt(last)
  if (first >= 0x30 && first <= 0x39) return false
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i)
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)
    if (!letter && !(c >= 0x30 && c <= 0x39) && c !== 0x2d /* - */ && c !== 0x2e /* . */) return false
    if ((c === 0x78 || c === 0x58) && domain.startsWith('--', i + 2) && (domain.charCodeAt(i + 1) | 0x20) === 0x6e) return false // xn--
  }
  return true
}

/**
 * One ASCII form of a domain: lookalikes folded in its Unicode form (punycode is decoded first, so
 * that `xn--` spellings of a lookalike domain are caught too), then UTS #46 to ASCII. Plain ASCII
 * domains skip the decoding: most addresses, and the fast case.
 */
function asciiDomain (domain: string): string {
  if (isPlainDomain(domain)) return domain.toLowerCase()
  if (!NON_ASCII.test(domain) && !PUNYCODE.test(domain)) return domainToASCII(domain)
  const unicode = PUNYCODE.test(domain) ? domainToUnicode(domain) : domain
  // An `xn--` label that does not decode is no domain: Node 20 says so with '', later ICUs hand the
  // label back as it was; both are read the same way here, so keys do not depend on the runtime.
  if (unicode === '' || PUNYCODE.test(unicode)) return ''
  return domainToASCII(foldText(unicode))
}

/**
 * Is the text one plain address as most are written: ASCII letters, digits, `.`, `_`, `+`, `-` and
 * at least one `@`, nothing else. Such text goes straight to the keying; anything else is read by
 * readAddresses first (lists, mailto:, display names, disguises).
 */
function isPlainAddress (text: string): boolean {
  let at = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x40) {
      at = true
      continue
    }
    const alnum = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
    if (!alnum && c !== 0x2e && c !== 0x5f && c !== 0x2b && c !== 0x2d) return false
  }
  return at
}

/** The `e:` key of one address (`local@domain`, lookalikes folded), or null when it is not one. */
function addressKey (address: string, plain: boolean): string | null {
  if (!plain && NOT_AN_ADDRESS.test(address)) return null
  const at = address.lastIndexOf('@')
  // `jane@@example.org`: a doubled @ is one
  let end = at
  while (end > 0 && address.charCodeAt(end - 1) === 0x40) end--
  if (end <= 0) return null
  let local = address.slice(0, end).toLowerCase()
  const rawDomain = dropTrailingDots(address.slice(at + 1))
  if (rawDomain === '') return null
  // domainToASCII also maps "。" and full-width dots to ".", so trailing dots are looked for again
  let domain = dropTrailingDots(asciiDomain(rawDomain))
  // a domain of one label (`jane@home`) is no mailbox on the internet: prose, or a slip
  if (domain === '' || EMPTY_LABEL.test(domain) || !domain.includes('.')) return null

  // "+tag" dropped (see the header: on every domain); a local part that starts with "+" has no
  // mailbox name to keep, so it is kept whole
  const plus = local.indexOf('+')
  if (plus > 0) local = local.slice(0, plus)

  const subdomain = FASTMAIL_SUBDOMAIN.exec(domain)
  if (subdomain !== null) {
    local = subdomain[1] ?? local
    domain = subdomain[2] ?? domain
  }
  const provider = PROVIDERS.get(domain)
  if (provider !== undefined) {
    if (provider.ignored !== null) local = local.replace(provider.ignored, '')
    if (local === '') return null
    domain = provider.domain
  }
  return 'e:' + local + '@' + domain
}

/** The keys of every address the text holds, each once (at most MAX_ADDRESSES, see email-read.ts). */
function addressKeys (folded: string): string[] {
  if (isPlainAddress(folded)) {
    const key = addressKey(folded, true)
    return key === null ? [] : [key]
  }
  const keys: string[] = []
  for (const address of readAddresses(folded)) {
    const key = addressKey(address, false)
    if (key !== null && !keys.includes(key)) keys.push(key)
  }
  return keys
}

export function emailKeys (raw: string): DetailKeys {
  const trimmed = raw.trim()
  if (trimmed === '') {
    return { store: [], lookup: [], warning: null, reject: EMPTY }
  }
  const folded = foldEmailText(trimmed)
  const fallback = 'e?:' + folded.toLowerCase().replace(WHITESPACE, '')
  const keys = addressKeys(folded)
  if (keys.length === 0) {
    return { store: [fallback], lookup: [fallback], warning: UNPARSED, reject: null }
  }
  if (keys.length === 1) return { store: keys, lookup: [keys[0] as string, fallback], warning: null, reject: null }
  return { store: keys, lookup: [...keys, fallback], warning: SEVERAL, reject: null }
}
