/**
 * The token lives in sessionStorage only: this browser tab, until it closes or the user signs out.
 * Never localStorage, never a cookie (a shared mail-room PC must not keep it).
 */
export function tokenStore (key: string) {
  return {
    get: (): string | null => sessionStorage.getItem(key),
    set: (token: string): void => sessionStorage.setItem(key, token),
    clear: (): void => sessionStorage.removeItem(key)
  }
}

export type TokenStore = ReturnType<typeof tokenStore>
