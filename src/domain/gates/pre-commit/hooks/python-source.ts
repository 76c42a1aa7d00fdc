import { utf8DecodeMessage } from '../python-json.ts'

/**
 * Python source text from bytes as `ast.parse(bytes)` decodes it: a UTF-8 BOM is dropped, a PEP
 * 263 coding cookie in the first two lines picks the codec, otherwise strict UTF-8. On failure the
 * SyntaxError message Python gives.
 */
export function decodePythonSource(bytes: Uint8Array): { text: string } | { error: string } {
  let body = bytes
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) body = bytes.subarray(3)
  const head = Buffer.from(body.subarray(0, 400)).toString('latin1').split('\n').slice(0, 2)
  let encoding = 'utf-8'
  for (const line of head) {
    const m = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(line)
    if (m) {
      encoding = (m[1] as string).toLowerCase()
      break
    }
    if (!/^[ \t\f]*(#.*)?\r?$/.test(line)) break
  }
  if (/^(latin-1|iso-8859-1|iso8859-1|latin1|l1)(-|$)/.test(encoding))
    return { text: Buffer.from(body).toString('latin1') }
  try {
    return { text: new TextDecoder(encoding.replace(/_/g, '-'), { fatal: true, ignoreBOM: true }).decode(body) }
  } catch (e) {
    if (e instanceof RangeError) return { error: `unknown encoding: ${encoding}` }
    return { error: `(unicode error) ${utf8DecodeMessage(body)}` }
  }
}
