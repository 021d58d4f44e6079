import type { FromSchema } from 'json-schema-to-ts'

const establishmentCode = { type: 'string', pattern: '^[A-Z]{3}$' } as const
export const role = { enum: ['check', 'admin', 'feed', 'metrics'] } as const
const filePath = { type: 'string', minLength: 1, maxLength: 4096 } as const

/** A client as the daemon holds it: the token only as its SHA-256 hash. */
export const clientSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'roles', 'tokenSha256'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' },
    roles: { type: 'array', minItems: 1, uniqueItems: true, items: role },
    tokenSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    /** a feed client's establishment: the feed it is served */
    establishment: establishmentCode,
    /** answer this client 503 unavailable when the index is too stale (default: sync.failClosed) */
    failClosed: { type: 'boolean' }
  }
} as const

/** A client as UPC_TOKENS gives it: the raw token, hashed at load and never kept (weak ones are refused: domain/weak-token.ts). */
export const rawClientSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'roles', 'token'],
  properties: {
    name: clientSchema.properties.name,
    roles: clientSchema.properties.roles,
    token: { type: 'string', minLength: 1, maxLength: 512 },
    establishment: establishmentCode,
    failClosed: { type: 'boolean' }
  }
} as const

export const rawClientsSchema = { type: 'array', maxItems: 1000, items: rawClientSchema } as const

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['host', 'port', 'db', 'role', 'establishment', 'logLevel', 'keyFile', 'clients', 'upstream', 'sync', 'http', 'audit', 'policy', 'retention', 'feedSigning', 'requests', 'alerts'],
  properties: {
    host: { type: 'string', minLength: 1, maxLength: 255 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    db: { type: 'string', minLength: 1, maxLength: 4096 },
    role: { enum: ['establishment', 'hub'] },
    establishment: establishmentCode,
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    /** HMAC key for hashed match keys; null: the store's own, beside it (data/hub.db: data/hub.key), made on first start */
    keyFile: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
    /** AES-256-GCM key for contact details at rest; null: the store's own (data/hub.db: data/hub.data.key), made on first start */
    dataKeyFile: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
    /** the data key itself (64 hex), from UPC_DATA_KEY; when set, dataKeyFile is not read */
    dataKey: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
    clients: { type: 'array', maxItems: 1000, items: clientSchema },
    /** the object first: a bad key is named by the object's error, not as "must be null" */
    upstream: {
      anyOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'token'],
          properties: {
            /** https://, or http:// to a loopback address (127.0.0.0/8, ::1, localhost) */
            url: { type: 'string', pattern: '^https?://', maxLength: 2048 },
            token: { type: 'string', minLength: 1, maxLength: 512 },
            /** PEM file of the CA(s) the hub's certificate must chain to; unset: the system's CAs */
            caFile: filePath,
            /** PEM files of this establishment's client certificate and its key (mutual TLS) */
            certFile: filePath,
            keyFile: filePath,
            /** plain http:// to a host other than this machine, for a test network only; warned at every start */
            allowInsecureHttp: { type: 'boolean' },
            /** the hub's feed signing public keys (PEM or raw base64); any listed key is accepted */
            publicKeys: { type: 'array', maxItems: 8, items: { type: 'string', minLength: 1, maxLength: 1000 } },
            /** apply the feed unverified when no public key is listed (refused at start otherwise) */
            insecureUnsignedFeed: { type: 'boolean' }
          }
        },
        { type: 'null' }
      ]
    },
    sync: {
      type: 'object',
      additionalProperties: false,
      required: ['cron', 'pageSize', 'timeoutMs', 'retries', 'retryBaseMs', 'warnAfterSeconds', 'failAfterSeconds', 'failClosed', 'removalBrake'],
      properties: {
        cron: { type: 'string', minLength: 9, maxLength: 100 },
        /** changes asked for in one feed page */
        pageSize: { type: 'integer', minimum: 1, maximum: 5000 },
        /** how long one feed request may take */
        timeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
        /** retries of a failed request within one run, with exponential backoff and jitter */
        retries: { type: 'integer', minimum: 0, maximum: 10 },
        retryBaseMs: { type: 'integer', minimum: 1, maximum: 60000 },
        /** past this since the last successful sync, /readyz says degraded */
        warnAfterSeconds: { type: 'integer', minimum: 1 },
        /** past this, checks answer 503 unavailable (for fail-closed clients) until a sync succeeds */
        failAfterSeconds: { type: 'integer', minimum: 1 },
        failClosed: { type: 'boolean' },
        /**
         * The brake on removals: a sync applies at most maxRemovals, or percent of the hub's blocks
         * held here (rounded up), whichever is smaller, in a rolling hour; the rest wait for a SPOC
         */
        removalBrake: {
          type: 'object',
          additionalProperties: false,
          required: ['maxRemovals', 'percent'],
          properties: {
            maxRemovals: { type: 'integer', minimum: 0, maximum: 1000000 },
            percent: { type: 'integer', minimum: 1, maximum: 100 }
          }
        }
      }
    },
    http: {
      type: 'object',
      additionalProperties: false,
      required: ['bodyLimit', 'batchBodyLimit', 'rateLimit', 'authFailures', 'requestTimeoutMs', 'headersTimeoutMs', 'idleTimeoutMs', 'keepAliveTimeoutMs', 'maxConnections'],
      properties: {
        bodyLimit: { type: 'integer', minimum: 1024, maximum: 67108864 },
        /** a request (headers and body) not whole this long after it began: 408 and closed */
        requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
        /** its headers not whole this long after it began (a connection that sends nothing too): closed */
        headersTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
        /** a connection with a request in hand that neither sends nor reads this long: closed */
        idleTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
        /** a connection quiet this long after an answer: closed */
        keepAliveTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
        /** open connections in all; past it a new one is closed at once */
        maxConnections: { type: 'integer', minimum: 1, maximum: 1000000 },
        /** a full batch of 1000 structured addresses can pass 2 MiB */
        batchBodyLimit: { type: 'integer', minimum: 1024, maximum: 67108864 },
        rateLimit: {
          type: 'object',
          additionalProperties: false,
          required: ['max', 'timeWindowMs'],
          properties: {
            max: { type: 'integer', minimum: 1 },
            timeWindowMs: { type: 'integer', minimum: 1000 }
          }
        },
        /** unrecognised tokens one source address may present in a window; past it, 429 until the window ends */
        authFailures: {
          type: 'object',
          additionalProperties: false,
          required: ['max', 'timeWindowMs'],
          properties: {
            max: { type: 'integer', minimum: 1, maximum: 1000000 },
            timeWindowMs: { type: 'integer', minimum: 1000, maximum: 86400000 }
          }
        },
        /** serve HTTPS instead of HTTP; null: plain HTTP */
        tls: {
          anyOf: [
            {
              type: 'object',
              additionalProperties: false,
              required: ['certFile', 'keyFile'],
              properties: {
                certFile: filePath,
                keyFile: filePath,
                /** PEM file of the CA(s) that sign the clients' certificates */
                clientCaFile: filePath,
                /** refuse a connection without a client certificate signed by clientCaFile (mutual TLS) */
                requireClientCert: { type: 'boolean' }
              }
            },
            { type: 'null' }
          ]
        }
      }
    },
    audit: {
      type: 'object',
      additionalProperties: false,
      required: ['checks'],
      properties: {
        /** which check decisions go to the audit trail: every one, blocks only, or none */
        checks: { enum: ['all', 'block', 'none'] }
      }
    },
    /** Postfix's policy delegation protocol (src/policy/): off while port is null */
    policy: {
      type: 'object',
      additionalProperties: false,
      required: ['port', 'host', 'prisonerFrom', 'idleTimeoutMs', 'requestTimeoutMs', 'maxRequestBytes', 'maxConnections', 'maxConnectionsPerSource'],
      properties: {
        /** 0: any free port (tests read it from app.upc.policyPort()) */
        port: { type: ['integer', 'null'], minimum: 0, maximum: 65535 },
        host: { type: 'string', minLength: 1, maxLength: 255 },
        /** a regular expression on the envelope sender; its one capture group is the prisoner number */
        prisonerFrom: { type: 'string', minLength: 1, maxLength: 500 },
        /** a connection quiet this long is closed (Postfix itself closes idle ones after 300 s) */
        idleTimeoutMs: { type: 'integer', minimum: 100, maximum: 86400000 },
        /** a connection that has sent nothing, or half a request, this long: closed */
        requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 600000 },
        /** most bytes held for one unfinished request (a real one is a few hundred) */
        maxRequestBytes: { type: 'integer', minimum: 1024, maximum: 1048576 },
        /** open connections in all; past it a new one is closed at once */
        maxConnections: { type: 'integer', minimum: 1, maximum: 1000000 },
        /** open connections from one source address; past it a new one from there is closed at once */
        maxConnectionsPerSource: { type: 'integer', minimum: 1, maximum: 1000000 }
      }
    },
    /** the hub's Ed25519 key that signs each change of the feeds it serves (docs/SYNC.md) */
    feedSigning: {
      type: 'object',
      additionalProperties: false,
      required: ['keyFile'],
      properties: {
        /** PEM (PKCS#8) private key file, made by npm run hub-keygen; null: the feed is served unsigned */
        keyFile: { type: ['string', 'null'], minLength: 1, maxLength: 4096 }
      }
    },
    /** the request process (docs/REQUESTS.md) */
    requests: {
      type: 'object',
      additionalProperties: false,
      required: ['nation', 'dayEndsAtHour', 'noticeOverdueDays', 'bankHolidaysFile', 'noticeTemplatesFile'],
      properties: {
        /** whose bank holidays the working-day clock keeps */
        nation: { enum: ['england-and-wales', 'scotland', 'northern-ireland'] },
        /** the UK local hour the working day ends: a request received at or after it counts from the next working day */
        dayEndsAtHour: { type: 'integer', minimum: 1, maximum: 23 },
        /** an approved restriction with no notice to the prisoner recorded this many days after its decision is overdue */
        noticeOverdueDays: { type: 'integer', minimum: 1, maximum: 365 },
        /** the bank holidays (config/bank-holidays.json's form); null: the shipped file */
        bankHolidaysFile: { type: ['string', 'null'], minLength: 1, maxLength: 4096 },
        /** the prisoner's notice templates (config/notice-templates.json's form); null: the shipped file */
        noticeTemplatesFile: { type: ['string', 'null'], minLength: 1, maxLength: 4096 }
      }
    },
    /** Alerts on blocked attempts (docs/ALERTS.md): the rules, and who is told of a new one */
    alerts: {
      type: 'object',
      additionalProperties: false,
      required: ['enabled', 'queueSize', 'everyMs', 'pageUrl', 'relay', 'persistence', 'afterNotice', 'webhook', 'email'],
      properties: {
        /** false: no attempt is queued and no rule runs */
        enabled: { type: 'boolean' },
        /** blocked attempts waiting for the rules, at most; past it the newest is dropped and counted */
        queueSize: { type: 'integer', minimum: 10, maximum: 1000000 },
        /** how often the rules read the queue */
        everyMs: { type: 'integer', minimum: 100, maximum: 60000 },
        /** the SPOC page's address as the security team opens it, for the link in a message; null: the path alone */
        pageUrl: { type: ['string', 'null'], pattern: '^https?://', maxLength: 2048 },
        relay: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'windowMinutes', 'prisoners'],
          properties: {
            enabled: { type: 'boolean' },
            windowMinutes: { type: 'integer', minimum: 1, maximum: 527040 },
            /** distinct prisoners on one block inside the window */
            prisoners: { type: 'integer', minimum: 2, maximum: 1000 }
          }
        },
        persistence: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'windowMinutes', 'attempts'],
          properties: {
            enabled: { type: 'boolean' },
            windowMinutes: { type: 'integer', minimum: 1, maximum: 527040 },
            /** blocked attempts by one prisoner inside the window */
            attempts: { type: 'integer', minimum: 1, maximum: 1000 }
          }
        },
        afterNotice: {
          type: 'object',
          additionalProperties: false,
          required: ['enabled', 'graceMinutes'],
          properties: {
            enabled: { type: 'boolean' },
            /** with no written notice recorded, the prisoner counts as told this long after the block was made */
            graceMinutes: { type: 'integer', minimum: 0, maximum: 527040 }
          }
        },
        /** a signed JSON POST for each new alert; off while url is null */
        webhook: {
          type: 'object',
          additionalProperties: false,
          required: ['url', 'secret', 'retries', 'retryBaseMs', 'timeoutMs', 'queueSize'],
          properties: {
            /** https://, or http:// to this machine */
            url: { type: ['string', 'null'], pattern: '^https?://', maxLength: 2048 },
            /** the HMAC-SHA-256 key the receiver shares (UPC_ALERTS_WEBHOOK_SECRET); at least 32 characters */
            secret: { type: ['string', 'null'], minLength: 32, maxLength: 512 },
            retries: { type: 'integer', minimum: 0, maximum: 20 },
            retryBaseMs: { type: 'integer', minimum: 10, maximum: 600000 },
            timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
            /** deliveries (webhook and email) on their way or waiting to be retried, at most; past it a new one is dropped and logged */
            queueSize: { type: 'integer', minimum: 1, maximum: 100000 }
          }
        },
        /** an email for each new alert through an SMTP relay; off while host is null */
        email: {
          type: 'object',
          additionalProperties: false,
          required: ['host', 'port', 'from', 'to', 'timeoutMs', 'retries', 'retryBaseMs'],
          properties: {
            host: { type: ['string', 'null'], minLength: 1, maxLength: 255 },
            port: { type: 'integer', minimum: 1, maximum: 65535 },
            from: { type: 'string', pattern: '^[^\\s@<>]+@[^\\s@<>]+$', maxLength: 320 },
            /** the establishment's security inbox(es) */
            to: { type: 'array', maxItems: 20, items: { type: 'string', pattern: '^[^\\s@<>]+@[^\\s@<>]+$', maxLength: 320 } },
            timeoutMs: { type: 'integer', minimum: 100, maximum: 60000 },
            retries: { type: 'integer', minimum: 0, maximum: 20 },
            retryBaseMs: { type: 'integer', minimum: 10, maximum: 600000 }
          }
        }
      }
    },
    retention: {
      type: 'object',
      additionalProperties: false,
      required: ['afterLiftDays', 'cron'],
      properties: {
        /** lifted or expired this many days ago: contact details and protected person are erased */
        afterLiftDays: { type: 'integer', minimum: 1, maximum: 36600 },
        /** when the erasure runs (node-cron) */
        cron: { type: 'string', minLength: 9, maxLength: 100 }
      }
    }
  }
} as const

export type Config = FromSchema<typeof configSchema>
export type Client = FromSchema<typeof clientSchema>
export type Role = Client['roles'][number]
export type RawClient = FromSchema<typeof rawClientSchema>
