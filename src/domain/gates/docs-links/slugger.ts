/**
 * GitHub's heading anchors (github-slugger): lowercase, drop everything that is not a letter,
 * mark, number, connector punctuation, hyphen or space, then each space becomes `-`. Repeats get
 * `-1`, `-2`… in document order.
 */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-')
}

/** Hands out unique slugs for one document, exactly as github-slugger does. */
export class Slugger {
  private readonly occurrences = new Map<string, number>()

  slug(text: string): string {
    const original = slugify(text)
    let slug = original
    while (this.occurrences.has(slug)) {
      const n = (this.occurrences.get(original) ?? 0) + 1
      this.occurrences.set(original, n)
      slug = `${original}-${n}`
    }
    this.occurrences.set(slug, 0)
    return slug
  }
}
