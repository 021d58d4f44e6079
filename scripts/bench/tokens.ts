/** The clients every benchmark daemon is started with (loopback only, thrown away with the run). */
export const CHECK_TOKEN = 'bench-check-622dfe4a912ff31ce1fd4ee6'
export const ADMIN_TOKEN = 'bench-admin-e5334691356212ef415ad405'
export const FEED_TOKEN = 'bench-feed-f077e4eb09b02d267f884760'
