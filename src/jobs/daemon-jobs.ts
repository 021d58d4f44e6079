import type { Logger } from 'pino'
import type { Config } from '../config.js'
import { createPolicyCheck } from '../policy/policy-check.js'
import { startPolicyServer } from '../policy/policy-server.js'
import type { PolicyServer } from '../policy/policy-server.js'
import type { Services } from '../services/create-services.js'
import type { Db } from '../store/db.js'
import { startAlertsJob } from './alerts-job.js'
import { startIndexWatch } from './index-watch.js'
import { startRetentionJob } from './retention-job.js'
import { startSyncJob } from './sync-job.js'

/**
 * What runs beside the requests: the watch for another process's writes to the store, the sync
 * schedule (with an upstream), Postfix's policy service (with policy.port), the nightly
 * retention run and the alert rules (docs/ALERTS.md). start() runs when the app is ready, so a test that never readies its app starts
 * none; stop() ends each, in the order started, before the store closes.
 */
export function createDaemonJobs (db: Db, config: Readonly<Config>, services: Services, logger: Logger) {
  const running: Array<{ stop: () => unknown }> = []
  let policy: PolicyServer | null = null
  return {
    async start (): Promise<void> {
      const { indexState, sync, checks } = services
      running.push(startIndexWatch(db, indexState, logger))
      // After each sync: the requests feed, and the outcomes owed to the hub (docs/REQUESTS.md).
      if (sync.configured) running.push(startSyncJob(sync, config.sync.cron, logger, undefined, async () => services.requestRouting.run()))
      if (config.policy.port !== null) {
        const answer = createPolicyCheck({ checks, prisonerFrom: new RegExp(config.policy.prisonerFrom), client: { name: 'postfix-policy' }, logger })
        const { host, port, idleTimeoutMs, requestTimeoutMs, maxRequestBytes, maxConnections, maxConnectionsPerSource } = config.policy
        policy = await startPolicyServer({ host, port, idleTimeoutMs, requestTimeoutMs, maxRequestBytes, maxConnections, maxConnectionsPerSource, answer, logger })
        running.push(policy)
      }
      running.push(startRetentionJob(services.retention, services.stores.audit, config.retention.cron, logger))
      if (config.alerts.enabled) running.push(startAlertsJob(services.alerts, config.alerts.everyMs, logger))
      running.push(services.notifier) // after the alerts job, whose last run may still raise one
    },
    async stop (): Promise<void> {
      for (const job of running) await job.stop()
    },
    /** the policy service's port once it listens; null while it is off */
    policyPort: (): number | null => policy?.port ?? null
  }
}
