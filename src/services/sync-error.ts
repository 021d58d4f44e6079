/** A failure of one sync run, with fixed text (it goes to GET /v1/sync and the audit trail). */
export class SyncError extends Error {
  constructor (message: string, readonly retryable: boolean) { super(message) }
}
