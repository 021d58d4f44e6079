import { join } from 'node:path'
import t from 'tap'
import { openDatabase } from '../../src/store/db.js'
import { migrate } from '../../src/store/migrations.js'

t.test('migrations apply in order, once, and are recorded; the store runs in WAL', async (t) => {
  const dir = t.testdir({
    migrations: {
      '001_first.sql': 'CREATE TABLE one (x INTEGER);',
      '002_second.sql': 'INSERT INTO one VALUES (2);',
      'notes.txt': 'ignored'
    }
  })
  const db = openDatabase(join(dir, 'nested', 'store.db'))
  t.teardown(() => db.close())
  t.equal(db.pragma('journal_mode', { simple: true }), 'wal')
  t.equal(db.pragma('foreign_keys', { simple: true }), 1)
  t.equal(db.pragma('synchronous', { simple: true }), 2, 'FULL')
  t.same(migrate(db, join(dir, 'migrations')), { applied: ['001_first.sql', '002_second.sql'], current: 2 })
  t.same(migrate(db, join(dir, 'migrations')), { applied: [], current: 2 }, 'a second run applies nothing')
  t.equal(db.prepare('SELECT COUNT(*) FROM one').pluck().get(), 1)
})

t.test('a failing migration leaves nothing half applied', async (t) => {
  const dir = t.testdir({
    migrations: { '001_bad.sql': 'CREATE TABLE ok (x INTEGER); CREATE TABLE broken (;' }
  })
  const db = openDatabase(join(dir, 'store.db'))
  t.teardown(() => db.close())
  t.throws(() => migrate(db, join(dir, 'migrations')))
  t.equal(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok'").pluck().get(), 0)
  t.equal(db.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get(), 0)
})

t.test('the real migrations build the schema', async (t) => {
  const db = openDatabase(join(t.testdir(), 'store.db'))
  t.teardown(() => db.close())
  migrate(db)
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()
  t.same(tables, ['alerts', 'audit', 'audit_check_entry', 'audit_checks', 'audit_entry_keys', 'audit_keying', 'audit_link', 'changes', 'clients', 'entries', 'entries_generation', 'entry_details', 'held_changes', 'key_state', 'prisoner_locations', 'quarantine', 'request_changes', 'request_events', 'request_outbox', 'request_sync', 'requests', 'schema_migrations', 'sqlite_sequence', 'sync_removals', 'sync_state'])
})

t.test('002 gives entries an address mode: whole by default, named only with a protected person', async (t) => {
  const db = openDatabase(join(t.testdir(), 'store.db'))
  t.teardown(() => db.close())
  migrate(db, join(process.cwd(), 'migrations'))
  const insert = db.prepare(`INSERT INTO entries (id, scope, establishment, status, protected_person, reason, created_by, created_at, address_mode)
    VALUES (@id, 'establishment', 'HLI', 'active', @person, 'r', 'spoc', 1, @mode)`)
  db.prepare(`INSERT INTO entries (id, scope, establishment, status, reason, created_by, created_at)
    VALUES ('old', 'establishment', 'HLI', 'active', 'r', 'spoc', 1)`).run()
  t.equal(db.prepare("SELECT address_mode FROM entries WHERE id = 'old'").pluck().get(), 'whole', 'an entry that names no mode blocks the whole address')
  insert.run({ id: 'named', person: 'Jane Doe', mode: 'named' })
  t.throws(() => insert.run({ id: 'nobody', person: null, mode: 'named' }), /CHECK constraint failed/)
  t.throws(() => insert.run({ id: 'odd', person: 'Jane Doe', mode: 'partly' }), /CHECK constraint failed/)
})
