import type { Db } from './db.js'
import type { Client, Role } from '../config.js'

/** Clients the daemon created itself; only the SHA-256 of a token is ever stored. */
export function createClientsStore (db: Db) {
  const selectAll = db.prepare('SELECT name, roles, token_sha256 FROM clients ORDER BY name')
  const insert = db.prepare('INSERT INTO clients (name, roles, token_sha256, created_at) VALUES (?, ?, ?, ?)')
  return {
    all (): Client[] {
      return (selectAll.all() as Array<{ name: string, roles: string, token_sha256: string }>).map((row) => ({
        name: row.name,
        roles: JSON.parse(row.roles) as Role[],
        tokenSha256: row.token_sha256
      }))
    },
    add (client: Client, createdAt: number): void {
      insert.run(client.name, JSON.stringify(client.roles), client.tokenSha256, createdAt)
    }
  }
}

export type ClientsStore = ReturnType<typeof createClientsStore>
