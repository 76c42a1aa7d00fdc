const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value)
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] as string)
}

/** A string already rendered as HTML; renderers insert it as is instead of escaping it. */
export interface RawHtml {
  readonly html: string
}

/** Marks trusted markup (built by our own renderers from escaped parts) as HTML. */
export function rawHtml(html: string): RawHtml {
  return { html }
}

export function isRawHtml(value: unknown): value is RawHtml {
  return typeof value === 'object' && value !== null && typeof (value as RawHtml).html === 'string'
}

/** A string safe to use as an element id and URL fragment: `[a-z0-9-]`, never empty. */
export function slugId(prefix: string, value: string): string {
  const slug = value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return `${prefix}-${slug || 'x'}`
}
