/**
 * Email normaliser: one key for every way of writing the same mailbox (DESIGN.md, "Matching rules").
 *
 * - Text: trimmed; a leading `mailto:` (and any `?query` it carries) dropped; the address taken out
 *   of `Display Name <addr>` or `<addr>`; split at the LAST `@`.
 * - Local part: NFC, then lower case.
 * - Sub-addressing: `+tag` is dropped from the local part for EVERY domain, not only for providers
 *   known to deliver `name+tag` to `name`. Recall comes first: a missed block can put a victim in
 *   danger, while an extra block only holds a message for a human to look at.
 * - Gmail (gmail.com, googlemail.com): dots in the local part are ignored and googlemail.com is
 *   gmail.com. Elsewhere dots are significant (`a.b@example.org` is not `ab@example.org`).
 * - Domain: trailing dot dropped, then one canonical ASCII form via `domainToASCII` (UTS #46: case,
 *   full-width forms, IDN to punycode), so `bücher.example` and `xn--bcher-kva.example` meet.
 * - Key: `e:local@domain`. Text that is not an address is blocked by its exact text (`e?:` key),
 *   with a warning; a check always looks up that fallback key too.
 *
 * TODO(lookalikes, separate issue): fold confusable characters (Cyrillic "а" for Latin "a", etc.)
 * so that a lookalike mailbox meets the real one.
 *
 * Pure: no I/O, no clock, no state between calls.
 */
import { domainToASCII } from 'node:url'
import type { DetailIssue, DetailKeys } from './detail-keys.js'

const MAILTO = /^mailto:/iu
/** `Display Name <addr>` or `<addr>`: the last bracketed part, at the end of the text. */
const ANGLE = /<([^<>]*)>\s*$/u
const WHITESPACE = /\s+/gu
/** Characters that cannot stand unquoted in an address, or that mean a list of addresses. */
const NOT_AN_ADDRESS = /[\s<>,;"]/u
const DOTS = /\./gu
/** An empty label: a leading dot or two dots in a row. */
const EMPTY_LABEL = /^\.|\.\./u

const GMAIL = 'gmail.com'
const GMAIL_DOMAINS: ReadonlySet<string> = new Set([GMAIL, 'googlemail.com'])

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

/** The `e:` key of the text, or null when it is not an address. */
function addressKey (trimmed: string): string | null {
  let address = trimmed
  const angle = ANGLE.exec(address)
  if (angle !== null) address = (angle[1] ?? '').trim()
  if (MAILTO.test(address)) {
    address = address.replace(MAILTO, '')
    // only a mailto: URI carries a query ("?subject=..."); in a bare address "?" is a legal character
    const query = address.indexOf('?')
    if (query !== -1) address = address.slice(0, query)
  }
  if (NOT_AN_ADDRESS.test(address)) return null

  const at = address.lastIndexOf('@')
  if (at <= 0) return null
  let local = address.slice(0, at).normalize('NFC').toLowerCase()
  const rawDomain = dropTrailingDots(address.slice(at + 1))
  if (rawDomain === '') return null
  // domainToASCII also maps "。" and full-width dots to ".", so trailing dots are looked for again
  const domain = dropTrailingDots(domainToASCII(rawDomain))
  if (domain === '' || EMPTY_LABEL.test(domain)) return null

  // "+tag" dropped (see the header: on every domain); a local part that starts with "+" has no
  // mailbox name to keep, so it is kept whole
  const plus = local.indexOf('+')
  if (plus > 0) local = local.slice(0, plus)

  if (GMAIL_DOMAINS.has(domain)) {
    local = local.replace(DOTS, '')
    if (local === '') return null
    return 'e:' + local + '@' + GMAIL
  }
  return 'e:' + local + '@' + domain
}

export function emailKeys (raw: string): DetailKeys {
  const trimmed = raw.trim()
  if (trimmed === '') {
    return { store: [], lookup: [], warning: null, reject: EMPTY }
  }
  const fallback = 'e?:' + trimmed.toLowerCase().replace(WHITESPACE, '')
  const key = addressKey(trimmed)
  if (key === null) {
    return { store: [fallback], lookup: [fallback], warning: UNPARSED, reject: null }
  }
  return { store: [key], lookup: [key, fallback], warning: null, reject: null }
}
