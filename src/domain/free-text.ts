/**
 * Free text (a reason, a lift reason) goes to the audit trail, which must never hold a contact
 * detail (DOMAIN.md, What the data is). These patterns catch what looks like one: an email
 * address, a run of seven or more digits (a phone number however it is spaced), a UK postcode.
 */
const EMAIL_LIKE = /[^\s@]+@[^\s@]+\.[^\s@]+/
const PHONE_LIKE = /(?:\d[\s().-]*){7,}/
const POSTCODE_LIKE = /\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b/i

export function looksLikeContactDetail (text: string): boolean {
  return EMAIL_LIKE.test(text) || PHONE_LIKE.test(text) || POSTCODE_LIKE.test(text)
}
