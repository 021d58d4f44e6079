/**
 * The API's own rules, imported from its schemas and its free-text check, so that the page and
 * the daemon can never disagree about what a valid entry is.
 */
import { ENTRY_ID as ENTRY_ID_TEXT, isWholeReference, readReference } from '../../src/domain/block-reference.js'
import { looksLikeContactDetail } from '../../src/domain/free-text.js'
import { parsePersonName } from '../../src/domain/person-name.js'
import { addressValue, emailText, phoneText, prisonerNumber } from '../../src/schemas/common.js'
import { auditQuery, createEntryBody, liftBody, listEntriesQuery } from '../../src/schemas/entry.js'
import { checkBody } from '../../src/schemas/check.js'
import { selectionBody } from '../../src/schemas/held-removals.js'

const entry = createEntryBody.properties
const [addressText, addressObject] = addressValue.anyOf

export const LIMITS = {
  phone: phoneText.maxLength,
  email: emailText.maxLength,
  address: addressText.maxLength,
  addressLines: addressObject.properties.lines.maxItems,
  addressLine: addressObject.properties.lines.items.maxLength,
  postcode: addressObject.properties.postcode.maxLength,
  phones: entry.phones.maxItems,
  emails: entry.emails.maxItems,
  addresses: entry.addresses.maxItems,
  protectedPerson: entry.protectedPerson.maxLength,
  reason: entry.reason.maxLength,
  liftReason: liftBody.properties.reason.maxLength,
  heldReason: selectionBody.properties.reason.maxLength,
  recipient: checkBody.properties.recipient.maxLength,
  actor: auditQuery.properties.actor.maxLength,
  refContains: listEntriesQuery.properties.refContains.maxLength
} as const

const PRISONER = new RegExp(prisonerNumber.pattern)
const REQUEST_REF = new RegExp(entry.requestRef.pattern)
const ENTRY_ID = new RegExp(auditQuery.properties.entryId.pattern)

export const isPrisonerNumber = (text: string): boolean => PRISONER.test(text)
export const isRequestRef = (text: string): boolean => REQUEST_REF.test(text)
export const isEntryId = (text: string): boolean => ENTRY_ID.test(text)

/** A whole entry id (RFC 9562 text), as the API makes them. */
export const isWholeEntryId = (text: string): boolean => ENTRY_ID_TEXT.test(text)
/** A block reference or its start as typed, read the way the API reads it (any case, O as 0, I or L as 1). */
export const isReferenceSearch = (text: string): boolean => readReference(text) !== null
/** A whole block reference as typed: what finds one block (#/entries/K7QM-4XRT). */
export const isWholeReferenceText = (text: string): boolean => {
  const reference = readReference(text)
  return reference !== null && isWholeReference(reference)
}
/**
 * The API refuses free text (reasons, references) that holds a contact detail, including any form
 * of the entry's own phone numbers; their digits stand in for the API's phone keys here.
 */
export function holdsContactDetail (text: string, phones: readonly string[] = []): boolean {
  return looksLikeContactDetail(text, phones.map((phone) => `pd:${phone.replace(/\D/g, '')}`))
}

/**
 * A named-mode block holds letters to this person only, so the name must be one the API can read:
 * not blank, not only a title, not "The Occupier" (the API's own reader decides).
 */
export const namesAPerson = (text: string): boolean => parsePersonName(text) !== null

export const hasDigit = (text: string): boolean => /\p{Nd}/u.test(text)
export const hasLetterOrDigit = (text: string): boolean => /[\p{L}\p{Nd}]/u.test(text)
