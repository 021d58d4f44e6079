/**
 * Free text (a reason, a lift reason, a request reference) goes to the audit trail, which must never
 * hold a contact detail (docs/DATA.md, free text). These patterns catch what looks like one: an
 * email address; a phone number as people write one (a leading 0, + or 44, then nine or more
 * digits however spaced), which leaves dates (2026-11-23) and references (UPC-2026-000123) alone;
 * a UK postcode. The entry's own numbers are caught in any form by their last nine digits.
 */
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/
const PHONE_LIKE = /(?:\+|(?<![\d-])0|(?<![\d-])44)[\s().-]*(?:\d[\s().-]*){9,}/
const POSTCODE_LIKE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i
const OWN_DIGITS = 9

/** `ownPhoneKeys`: the entry's own phone keys (p:+447700900123, pd:...), whose digits must not appear either. */
export function looksLikeContactDetail (text: string, ownPhoneKeys: readonly string[] = []): boolean {
  if (EMAIL_LIKE.test(text) || PHONE_LIKE.test(text) || POSTCODE_LIKE.test(text)) return true
  const digits = text.replace(/\D/g, '')
  return ownPhoneKeys.some((key) => {
    const own = key.replace(/\D/g, '')
    return own.length >= OWN_DIGITS && digits.includes(own.slice(-OWN_DIGITS))
  })
}
