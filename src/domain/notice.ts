/**
 * The prisoner's written notice of a restriction (docs/REQUESTS.md, "The notice"): the wording comes
 * from templates kept in config (config/notice-templates.json), so that the prison can stand behind
 * it. A direct request's notice says that the prisoner must not contact the person the request
 * concerns; an intelligence-led one names the person. Neither ever holds a contact detail: the
 * templates can only name the prisoner, the establishment, the date and, for `intelligence`, the
 * protected person.
 */

export const NOTICE_TEMPLATES = ['direct', 'intelligence'] as const
export type NoticeTemplateId = typeof NOTICE_TEMPLATES[number]

export interface NoticeTemplate { version: number, title: string, paragraphs: readonly string[] }
export type NoticeTemplates = Readonly<Record<NoticeTemplateId, NoticeTemplate>>

/** What a template may say, by placeholder: `{prisoner}`, `{establishment}`, `{date}`, `{protectedPerson}`. */
export interface NoticeFacts { prisoner: string, establishment: string, date: string, protectedPerson: string | null }

export const PLACEHOLDER = /\{([A-Za-z]+)\}/g
const ALLOWED: Record<NoticeTemplateId, readonly string[]> = {
  direct: ['prisoner', 'establishment', 'date'],
  intelligence: ['prisoner', 'establishment', 'date', 'protectedPerson']
}

/** The placeholders a template uses that it may not (a direct notice never names the person); none: []. */
export function forbiddenPlaceholders (id: NoticeTemplateId, template: NoticeTemplate): string[] {
  const used = [template.title, ...template.paragraphs].flatMap((text) => [...text.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))
  return [...new Set(used.filter((name) => !ALLOWED[id].includes(name)))]
}

/** The template a request's notice uses: intelligence-led restrictions name the person. */
export const templateFor = (intelligenceLed: boolean): NoticeTemplateId => (intelligenceLed ? 'intelligence' : 'direct')

/** The notice's wording, as `id@version` (what the record keeps: which wording was given). */
export const wordingOf = (id: NoticeTemplateId, template: NoticeTemplate): string => `${id}@${template.version}`

export function renderNotice (template: NoticeTemplate, facts: NoticeFacts): { title: string, paragraphs: string[] } {
  const fill = (text: string): string => text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = (facts as unknown as Record<string, string | null>)[name]
    return typeof value === 'string' ? value : whole
  })
  return { title: fill(template.title), paragraphs: template.paragraphs.map(fill) }
}
