/**
 * What a normaliser makes of one contact detail.
 *
 * An entry stores `store` keys in the index; a check looks up `lookup` keys. The two differ where
 * matching is deliberately asymmetric (an address block without a flat number covers every flat at
 * that number, but a block on Flat 2 never covers Flat 3), so one rule set serves both sides.
 *
 * Keys are prefixed by kind (`p:`, `e:`, `a:` ...) so that one map can hold every kind.
 * Warnings and rejections are codes with fixed text: they never carry the detail itself.
 */
export type ContactKind = 'phone' | 'email' | 'address'

export interface DetailKeys {
  /** keys an entry holding this detail puts in the index (empty when rejected) */
  store: string[]
  /** keys a contact attempt with this detail looks up */
  lookup: string[]
  /** set when the detail could not be parsed and is blocked by a fallback key */
  warning: DetailIssue | null
  /** set when the detail must be refused at entry time (nothing could be keyed at all) */
  reject: DetailIssue | null
}

export interface DetailIssue {
  code: string
  /** fixed text: never contains the value */
  message: string
}

export interface AddressObject {
  lines: string[]
  postcode?: string
}
