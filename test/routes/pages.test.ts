import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { PAGE_CSP, PUBLIC_DIR } from '../../src/routes/pages.js'
import { buildTestApp } from '../helper.js'

const PAGES = [
  { url: '/', file: 'mail-room.html', script: '/assets/js/web/mail-room.js' },
  { url: '/spoc', file: 'spoc.html', script: '/assets/js/web/spoc/main.js' }
]

t.test('the pages: HTML, with a strict Content-Security-Policy and the usual security headers', async (t) => {
  const { app } = await buildTestApp(t)
  for (const page of PAGES) {
    const res = await app.inject({ method: 'GET', url: page.url })
    t.equal(res.statusCode, 200, page.url)
    t.match(res.headers['content-type'], /^text\/html; charset=utf-8/)
    t.equal(res.headers['content-security-policy'], PAGE_CSP)
    t.equal(res.headers['x-frame-options'], 'DENY')
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.headers['referrer-policy'], 'no-referrer')
    t.ok(res.body.includes(`<script type="module" src="${page.script}"></script>`), `${page.url} loads its script from this server`)
    const head = await app.inject({ method: 'HEAD', url: page.url })
    t.equal(head.statusCode, 200, `HEAD ${page.url}`)
  }
  for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"]) {
    t.ok(PAGE_CSP.split('; ').includes(part), `CSP has ${part}`)
  }
  t.notMatch(PAGE_CSP, /unsafe|https?:|\*/, 'no unsafe-inline, unsafe-eval, other origin or wildcard')
})

t.test('assets: the stylesheet and the compiled scripts, with their content types', async (t) => {
  const { app } = await buildTestApp(t)
  const css = await app.inject({ method: 'GET', url: '/assets/upc.css' })
  t.equal(css.statusCode, 200)
  t.match(css.headers['content-type'], /^text\/css/)
  t.equal(css.headers['content-security-policy'], PAGE_CSP)
  for (const page of PAGES) {
    const js = await app.inject({ method: 'GET', url: page.script })
    t.equal(js.statusCode, 200, `${page.script} is built (npm run build:web, run by pretest)`)
    t.match(js.headers['content-type'], /^(text|application)\/javascript/)
  }
})

t.test('nothing outside public/assets is served, and no dotfile', async (t) => {
  const { app } = await buildTestApp(t)
  for (const url of ['/assets/../../src/app.ts', '/assets/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/assets/.gitignore', '/assets/', '/assets/nothing.js', '/mail-room.html', '/spoc.html']) {
    const res = await app.inject({ method: 'GET', url })
    t.ok([403, 404].includes(res.statusCode), `${url}: ${res.statusCode}`)
    t.notMatch(res.body, /import|"name"|<html/, `${url} shows no file`)
  }
})

t.test('the API keeps its own headers: the page CSP is scoped to the pages', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ method: 'GET', url: '/healthz' })
  t.equal(res.headers['content-security-policy'], undefined)
})

t.test('no inline script, inline style or event-handler attribute in any page (the CSP would refuse them)', async (t) => {
  const files = readdirSync(PUBLIC_DIR).filter((file) => file.endsWith('.html'))
  t.same(files.sort(), PAGES.map((page) => page.file).sort())
  for (const file of files) {
    const html = readFileSync(join(PUBLIC_DIR, file), 'utf8')
    t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${file}: every script has a src`)
    t.notMatch(html, /<style|\sstyle=/, `${file}: no inline style`)
    t.notMatch(html, /\son[a-z]+=/, `${file}: no event-handler attribute`)
    t.notMatch(html, /https?:\/\//, `${file}: nothing from another origin`)
  }
})
