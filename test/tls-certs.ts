import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** Whether Debian's openssl is here (.ci/run installs it): the TLS tests skip without it. */
export const OPENSSL = ((): string | null => {
  try {
    return execFileSync('openssl', ['version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim()
  } catch {
    return null
  }
})()

/** Files of a small PKI made by openssl for one test: paths, and each certificate's SHA-256 fingerprint as openssl prints it. */
export interface TestPki {
  /** signs the hub's certificates */
  hubCa: string
  /** signs nothing the hub shows, nor any client the hub trusts */
  otherCa: string
  /** CN=hub.test, for 127.0.0.1 and localhost, valid now */
  hubCert: string
  hubKey: string
  /** the same names, valid for one day in January 2020 */
  expiredCert: string
  expiredKey: string
  /** signed by hubCa, valid now, for elsewhere.test only */
  elsewhereCert: string
  elsewhereKey: string
  /** signs the establishments' client certificates */
  clientCa: string
  /** CN=hli.establishment.test, signed by clientCa */
  clientCert: string
  clientKey: string
  /** a client certificate signed by otherCa */
  strangerCert: string
  strangerKey: string
  fingerprint: (cert: string) => string
}

const CA_CONFIG = `[ ca ]
default_ca = test
[ test ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
preserve = yes
unique_subject = no
copy_extensions = none
[ any ]
organizationName = optional
commonName = supplied
`

/**
 * Made with `openssl ca`, whose -startdate and -enddate give a certificate that expired in 2020 on
 * any openssl from 1.1 on. EC P-256 keys: quick to make.
 */
export function makeTestPki (dir: string): TestPki {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }).toString()
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG)
  writeFileSync(join(dir, 'index.txt'), '')
  writeFileSync(join(dir, 'serial'), '1000\n')
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n')
  writeFileSync(join(dir, 'elsewhere.ext'), 'subjectAltName=DNS:elsewhere.test\nextendedKeyUsage=serverAuth\n')
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  const ca = (name: string, subject: string) => {
    run('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', subject)
    return join(dir, `${name}.pem`)
  }
  const leaf = (name: string, subject: string, signer: string, ext: string, dates: string[] = ['-days', '2']) => {
    run('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject)
    run('ca', '-batch', '-config', 'ca.cnf', '-cert', `${signer}.pem`, '-keyfile', `${signer}.key`, '-in', `${name}.csr`, '-out', `${name}.pem`, '-extfile', ext, '-notext', ...dates)
    return { cert: join(dir, `${name}.pem`), key: join(dir, `${name}.key`) }
  }
  const hubCa = ca('hub-ca', '/O=upc-guard test/CN=Test Hub CA')
  const otherCa = ca('other-ca', '/O=somewhere else/CN=Other CA')
  const clientCa = ca('client-ca', '/O=upc-guard test/CN=Test Establishments CA')
  const hub = leaf('hub', '/O=upc-guard test/CN=hub.test', 'hub-ca', 'server.ext')
  const expired = leaf('expired', '/O=upc-guard test/CN=hub.test', 'hub-ca', 'server.ext', ['-startdate', '20200101000000Z', '-enddate', '20200102000000Z'])
  const elsewhere = leaf('elsewhere', '/O=upc-guard test/CN=elsewhere.test', 'hub-ca', 'elsewhere.ext')
  const client = leaf('client', '/O=upc-guard test/CN=hli.establishment.test', 'client-ca', 'client.ext')
  const stranger = leaf('stranger', '/O=somewhere else/CN=hli.establishment.test', 'other-ca', 'client.ext')
  return {
    hubCa,
    otherCa,
    hubCert: hub.cert,
    hubKey: hub.key,
    expiredCert: expired.cert,
    expiredKey: expired.key,
    elsewhereCert: elsewhere.cert,
    elsewhereKey: elsewhere.key,
    clientCa,
    clientCert: client.cert,
    clientKey: client.key,
    strangerCert: stranger.cert,
    strangerKey: stranger.key,
    // "sha256 Fingerprint=AB:CD:..." (openssl 3) or "SHA256 Fingerprint=..." (1.1)
    fingerprint: (cert) => run('x509', '-in', cert, '-noout', '-fingerprint', '-sha256').trim().replace(/^.*Fingerprint=/i, '')
  }
}
