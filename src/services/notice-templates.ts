import { readFileSync } from 'node:fs'
import { ajv } from '../schemas/ajv.js'
import { NOTICE_TEMPLATES, forbiddenPlaceholders } from '../domain/notice.js'
import type { NoticeTemplates } from '../domain/notice.js'

const SHIPPED = new URL('../../config/notice-templates.json', import.meta.url)

const template = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'title', 'paragraphs'],
  properties: {
    version: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    paragraphs: { type: 'array', minItems: 1, maxItems: 30, items: { type: 'string', minLength: 1, maxLength: 2000 } }
  }
} as const
const validate = ajv.compile({
  type: 'object',
  additionalProperties: false,
  required: [...NOTICE_TEMPLATES],
  properties: Object.fromEntries(NOTICE_TEMPLATES.map((id) => [id, template]))
} as object)

/** The notice templates cannot be used: start-up stops with this message. */
export class NoticeTemplatesError extends Error {}

/**
 * The prisoner's notice templates (config/notice-templates.json unless `file` names another). A
 * template that uses a placeholder it may not (a direct notice naming the person) stops start-up.
 */
export function loadNoticeTemplates (file: string | null): NoticeTemplates {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file ?? SHIPPED, 'utf8'))
  } catch {
    throw new NoticeTemplatesError('invalid configuration: requests.noticeTemplatesFile cannot be read as JSON')
  }
  if (!validate(data)) throw new NoticeTemplatesError('invalid configuration: requests.noticeTemplatesFile must hold the templates direct and intelligence, each with version, title and paragraphs')
  const templates = data as NoticeTemplates
  for (const id of NOTICE_TEMPLATES) {
    const forbidden = forbiddenPlaceholders(id, templates[id])
    if (forbidden.length > 0) throw new NoticeTemplatesError(`invalid configuration: requests.noticeTemplatesFile: the ${id} template may not use {${forbidden.join('}, {')}}`)
  }
  return templates
}
