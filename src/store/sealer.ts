/** Seals and opens column values for the stores; `where` of an error is the row's ids, never a value. */
export interface Sealer {
  seal: (plain: string, associated: string) => string
  open: (sealed: string, associated: string) => string
  /** whether the store is still sealed under this process's key (false: a rotation ran meanwhile) */
  isCurrent: () => boolean
  /** throws unless the store is still sealed under this process's key */
  assertCurrent: () => void
}
