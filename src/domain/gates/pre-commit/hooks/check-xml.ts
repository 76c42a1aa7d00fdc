import type { FileVerdict, HookFile } from '../hook-types.ts'
import { type NativeHook, runPerFile } from '../native-hook.ts'
import { saxesLib } from '../parser-libs.ts'

/**
 * Checks that the file is well-formed XML, as upstream's `xml.sax` (expat) does:
 * `{file}: Failed to xml parse ({file}:{line}:{col}: {expat's phrase})`. The parser is saxes; its
 * errors are named with expat's phrases (mismatched tag, no element found, junk after document
 * element, undefined entity, duplicate attribute, not well-formed (invalid token), …). Entities
 * declared in the internal DTD subset are known, as expat knows them. The encoding follows the BOM
 * or the XML declaration (UTF-8, UTF-16, ISO-8859-1/latin1, US-ASCII).
 */
export function checkXml(file: HookFile): FileVerdict {
  const fail = (line: number, col: number, phrase: string): FileVerdict => ({
    problems: [
      { path: file.path, line, message: `${file.path}: Failed to xml parse (${file.path}:${line}:${col}: ${phrase})` },
    ],
  })
  const text = decodeXml(file.bytes)
  if (text === undefined) return fail(1, 0, 'not well-formed (invalid token)')
  const parser = new (saxesLib().SaxesParser)({ xmlns: false, position: true })
  let first: { line: number; col: number; phrase: string } | undefined
  parser.on('error', (e) => {
    if (first) return
    const m = /^(\d+):(\d+): (.*)$/s.exec(e.message)
    first = { line: Number(m?.[1] ?? 1), col: Number(m?.[2] ?? 0), phrase: expatPhrase(m?.[3] ?? e.message) }
  })
  parser.on('doctype', (doctype) => {
    for (const m of doctype.matchAll(
      /<!ENTITY\s+([^\s%]\S*)\s+(?:"([^"]*)"|'([^']*)'|(?:SYSTEM|PUBLIC)\b[^>]*)\s*>/g,
    )) {
      parser.ENTITIES[m[1] as string] = m[2] ?? m[3] ?? ''
    }
  })
  try {
    parser.write(text).close()
  } catch {
    // saxes throws after an error event unless the handler returns; the first error was recorded.
  }
  return first ? fail(first.line, first.col, first.phrase) : { problems: [] }
}

export const checkXmlHook: NativeHook = {
  id: 'check-xml',
  manifest: { name: 'check xml', entry: 'check-xml', language: 'python', types: ['xml'] },
  run(files) {
    return runPerFile(files, checkXml)
  },
}

// --- internal ---

function expatPhrase(saxes: string): string {
  if (/unclosed tag|must contain a root element/.test(saxes)) return 'no element found'
  if (/close tag|closing tag/.test(saxes)) return 'mismatched tag'
  if (/only one root|outside of root node/.test(saxes)) return 'junk after document element'
  if (/undefined entity/.test(saxes)) return 'undefined entity'
  if (/duplicate attribute/.test(saxes)) return 'duplicate attribute'
  if (/XML declaration must be at the start/.test(saxes)) return 'XML or text declaration not at start of entity'
  if (/character entity/.test(saxes)) return 'reference to invalid character number'
  return 'not well-formed (invalid token)'
}

function decodeXml(b: Uint8Array): string | undefined {
  const decode = (label: string, skip = 0) => {
    try {
      return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(b.subarray(skip))
    } catch {
      return undefined
    }
  }
  if (b[0] === 0xfe && b[1] === 0xff) return decode('utf-16be', 2)
  if (b[0] === 0xff && b[1] === 0xfe) return decode('utf-16le', 2)
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return decode('utf-8', 3)
  const decl = /^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    Buffer.from(b.subarray(0, 200)).toString('latin1'),
  )
  const enc = decl?.[1]?.toLowerCase()
  if (enc === 'iso-8859-1' || enc === 'latin-1' || enc === 'latin1') return Buffer.from(b).toString('latin1')
  if (enc === 'us-ascii' || enc === 'ascii') return b.every((x) => x < 0x80) ? decode('utf-8') : undefined
  return decode('utf-8')
}
