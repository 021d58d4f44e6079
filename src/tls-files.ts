import { X509Certificate, createPrivateKey } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Config } from './schemas/config.js'

/**
 * A certificate or key file named in the configuration that cannot be used. The message names the
 * key and what is wrong, never the file's contents (a key file's bytes are a secret).
 */
export class TlsFileError extends Error {
  constructor (readonly key: string, message: string) { super(message) }
}

/** What the establishment presents to and trusts of its upstream; absent fields: Node's defaults. */
export interface UpstreamTls { ca?: Buffer, cert?: Buffer, key?: Buffer }

/** node:https server options: the daemon's certificate, and the clients' CA when they must show one. */
export interface ServerTls { cert: Buffer, key: Buffer, ca?: Buffer, requestCert: boolean, rejectUnauthorized: boolean }

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g

function read (file: string, key: string): Buffer {
  try {
    return readFileSync(file)
  } catch {
    throw new TlsFileError(key, `${key} cannot be read`)
  }
}

/** A PEM file of one or more certificates, each of which must parse. */
function certificates (file: string, key: string): Buffer {
  const pem = read(file, key)
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0) throw new TlsFileError(key, `${key} holds no PEM certificate`)
  for (const block of blocks) {
    try {
      new X509Certificate(block) // parsed to check it, not kept
    } catch {
      throw new TlsFileError(key, `${key} holds a certificate that cannot be parsed`)
    }
  }
  return pem
}

/** A certificate and its private key (unencrypted PEM), checked to belong together. */
function pair (certFile: string, certKey: string, keyFile: string, keyKey: string): { cert: Buffer, key: Buffer } {
  const cert = certificates(certFile, certKey)
  const key = read(keyFile, keyKey)
  let privateKey
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw new TlsFileError(keyKey, `${keyKey} holds no unencrypted PEM private key`)
  }
  // The first certificate of the file is the one presented; the rest are its chain.
  if (!new X509Certificate(cert).checkPrivateKey(privateKey)) {
    throw new TlsFileError(keyKey, `${keyKey} is not the private key of ${certKey}`)
  }
  return { cert, key }
}

/** The upstream's TLS files, read and checked; throws TlsFileError naming the key. */
export function upstreamTls (upstream: Config['upstream']): UpstreamTls {
  if (upstream === null || upstream === undefined) return {}
  const out: UpstreamTls = {}
  if (upstream.caFile !== undefined) out.ca = certificates(upstream.caFile, 'upstream.caFile')
  if ((upstream.certFile === undefined) !== (upstream.keyFile === undefined)) {
    const [set, unset] = upstream.certFile === undefined ? ['upstream.keyFile', 'upstream.certFile'] : ['upstream.certFile', 'upstream.keyFile']
    throw new TlsFileError(unset, `${set} is set without ${unset}`)
  }
  if (upstream.certFile !== undefined && upstream.keyFile !== undefined) {
    Object.assign(out, pair(upstream.certFile, 'upstream.certFile', upstream.keyFile, 'upstream.keyFile'))
  }
  return out
}

/** The daemon's own HTTPS files, read and checked; null: it serves plain HTTP. */
export function serverTls (tls: Config['http']['tls']): ServerTls | null {
  if (tls === null || tls === undefined) return null
  const { cert, key } = pair(tls.certFile, 'http.tls.certFile', tls.keyFile, 'http.tls.keyFile')
  const require = tls.requireClientCert === true
  if (require !== (tls.clientCaFile !== undefined)) {
    throw require
      ? new TlsFileError('http.tls.clientCaFile', 'http.tls.requireClientCert needs http.tls.clientCaFile')
      : new TlsFileError('http.tls.requireClientCert', 'http.tls.clientCaFile is set but http.tls.requireClientCert is not true')
  }
  if (!require || tls.clientCaFile === undefined) return { cert, key, requestCert: false, rejectUnauthorized: false }
  return { cert, key, ca: certificates(tls.clientCaFile, 'http.tls.clientCaFile'), requestCert: true, rejectUnauthorized: true }
}
