/**
 * Email normaliser: one key for every way of writing the same mailbox (docs/MATCHING.md, Email addresses).
 *
 * - Text: trimmed; a leading `mailto:` (and any `?query` it carries) dropped; the address taken out
 *   of `Display Name <addr>` or `<addr>`; a trailing comment dropped (`addr (Jane Doe)`, RFC 5322);
 *   split at the LAST `@`.
 * - Lookalikes (src/domain/lookalikes.ts): full-width and other compatibility forms (NFKC), invisible
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
import type { DetailIssue, DetailKeys } from '../../../src/domain/detail-keys.js'
import { foldLookalikes } from './lookalikes.js'

const MAILTO = /^mailto:/iu
/** `Display Name <addr>` or `<addr>`: the last bracketed part, at the end of the text. */
const ANGLE = /<([^<>]*)>\s*$/u
const WHITESPACE = /\s+/gu
/** Characters that cannot stand unquoted in an address, or that mean a list of addresses. */
const NOT_AN_ADDRESS = /[\s<>,;"]/u
const DOTS = /\./gu
/** An empty label: a leading dot or two dots in a row. */
const EMPTY_LABEL = /^\.|\.\./u

/** `addr (Jane Doe)`: a comment after the address (RFC 5322). */
const TRAILING_COMMENT = /\s*\([^()]*\)\s*$/u
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

/** The text without dots at its end (a loop, not a regex: no backtracking on long runs of dots). */
function dropTrailingDots (text: string): string {
  let end = text.length
  while (end > 0 && text.charCodeAt(end - 1) === 0x2e) end--
  return text.slice(0, end)
}

/**
 * One ASCII form of a domain: lookalikes folded in its Unicode form (punycode is decoded first, so
 * that `xn--` spellings of a lookalike domain are caught too), then UTS #46 to ASCII. Plain ASCII
 * domains skip the decoding: most addresses, and the fast case.
 */
function asciiDomain (domain: string): string {
  if (!NON_ASCII.test(domain) && !PUNYCODE.test(domain)) return domainToASCII(domain)
  const unicode = PUNYCODE.test(domain) ? domainToUnicode(domain) : domain
  if (unicode === '') return ''
  return domainToASCII(foldLookalikes(unicode))
}

/** The `e:` key of the text, or null when it is not an address. */
function addressKey (trimmed: string): string | null {
  let address = foldLookalikes(trimmed)
  const angle = ANGLE.exec(address)
  if (angle !== null) address = (angle[1] ?? '').trim()
  if (MAILTO.test(address)) {
    address = address.replace(MAILTO, '')
    // only a mailto: URI carries a query ("?subject=..."); in a bare address "?" is a legal character
    const query = address.indexOf('?')
    if (query !== -1) address = address.slice(0, query)
  }
  address = address.replace(TRAILING_COMMENT, '')
  if (NOT_AN_ADDRESS.test(address)) return null

  const at = address.lastIndexOf('@')
  if (at <= 0) return null
  let local = address.slice(0, at).toLowerCase()
  const rawDomain = dropTrailingDots(address.slice(at + 1))
  if (rawDomain === '') return null
  // domainToASCII also maps "。" and full-width dots to ".", so trailing dots are looked for again
  let domain = dropTrailingDots(asciiDomain(rawDomain))
  if (domain === '' || EMPTY_LABEL.test(domain)) return null

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

export function emailKeys (raw: string): DetailKeys {
  const trimmed = raw.trim()
  if (trimmed === '') {
    return { store: [], lookup: [], warning: null, reject: EMPTY }
  }
  const fallback = 'e?:' + foldLookalikes(trimmed).toLowerCase().replace(WHITESPACE, '')
  const key = addressKey(trimmed)
  if (key === null) {
    return { store: [fallback], lookup: [fallback], warning: UNPARSED, reject: null }
  }
  return { store: [key], lookup: [key, fallback], warning: null, reject: null }
}
