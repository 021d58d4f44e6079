/** The clients every benchmark daemon is started with (loopback only, thrown away with the run). */
export const CHECK_TOKEN = 'bench-check-token-0123456789'
export const ADMIN_TOKEN = 'bench-admin-token-0123456789'
export const FEED_TOKEN = 'bench-feed-token-0123456789'
