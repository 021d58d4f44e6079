// The README starts a reader off and docs/ holds the rest, so every link between them must land:
// each relative link in README.md, docs/*.md and integrations/*/README.md names a file that exists
// and, where it has one, a heading of that file (GitHub's anchors: lower case, punctuation dropped,
// spaces as hyphens).
import t from 'tap'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, normalize } from 'node:path'
import { ROOT } from '../scripts/lib/daemon.js'

const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, '')

function anchorOf (heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\- _]/gu, '').replace(/ /g, '-')
}

function anchorsOf (file: string): Set<string> {
  const headings = withoutCode(readFileSync(join(ROOT, file), 'utf8')).match(/^#+ .*$/gm) ?? []
  return new Set(headings.map((line) => anchorOf(line.replace(/^#+ /, ''))))
}

/** Every relative link of a Markdown file: [text](target), images included. */
function linksOf (text: string): string[] {
  return [...withoutCode(text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] as string)
    .filter((target) => !/^[a-z]+:/.test(target))
}

const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync(join(ROOT, 'integrations')).map((d) => `integrations/${d}/README.md`).filter((f) => existsSync(join(ROOT, f)))
]

t.test('the link reader finds relative links, with anchors, outside code only', async (t) => {
  t.same(linksOf('See [A](docs/A.md#x-y), [B](https://example.org), ![P](p.png)\n```\n[C](c.md)\n```'), ['docs/A.md#x-y', 'p.png'])
  t.equal(anchorOf('Clients and tokens'), 'clients-and-tokens')
  t.equal(anchorOf('Node.js'), 'nodejs')
  t.equal(anchorOf('The HTTP API, version 1'), 'the-http-api-version-1')
})

for (const page of pages) {
  t.test(`${page}: every relative link lands`, async (t) => {
    const links = linksOf(readFileSync(join(ROOT, page), 'utf8'))
    for (const link of links) {
      const [path = '', anchor] = link.split('#')
      const target = path === '' ? page : normalize(join(dirname(page), path))
      t.ok(existsSync(join(ROOT, target)), `${link}: ${target} exists`)
      if (anchor !== undefined && target.endsWith('.md') && existsSync(join(ROOT, target))) {
        t.ok(anchorsOf(target).has(anchor), `${link}: ${target} has a heading #${anchor}`)
      }
    }
  })
}
