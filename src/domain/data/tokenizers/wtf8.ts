/**
 * WTF-8 ("Wobbly Transformation Format", https://simonsapin.github.io/wtf-8/): UTF-8 extended so
 * that a lone surrogate code unit (U+D800..U+DFFF, legal in a JS string, illegal in UTF-8) is
 * written as its generalized 3-byte form `ED A0..BF 80..BF`. Every JS string therefore has exactly
 * one byte form and `decodeWtf8(encodeWtf8(s)) === s` for every `s`, which is the rule the
 * byte-level tokenizers rely on for an exact round trip.
 */

const LONE_SURROGATE = /\p{Surrogate}/u
const utf8Decoder = new TextDecoder('utf-8')
const utf8Encoder = new TextEncoder()

/** Bytes of `text`; well-formed strings give their UTF-8, lone surrogates their 3-byte form. */
export function encodeWtf8(text: string): Uint8Array {
  if (!LONE_SURROGATE.test(text)) return utf8Encoder.encode(text)
  const out = new Uint8Array(text.length * 3)
  let n = 0
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00)
        i++
      }
    }
    n = putCodePoint(out, n, c)
  }
  return out.subarray(0, n)
}

/**
 * Text of `bytes`. WTF-8 surrogate sequences become lone surrogate code units; anything else that
 * is not UTF-8 becomes U+FFFD per maximal subpart, exactly as the WHATWG `TextDecoder` does.
 */
export function decodeWtf8(bytes: Uint8Array): string {
  if (!hasSurrogateBytes(bytes)) return utf8Decoder.decode(bytes)
  const units = new Uint16Array(bytes.length)
  let n = 0
  let needed = 0
  let seen = 0
  let cp = 0
  let lower = 0x80
  let upper = 0xbf
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number
    if (needed === 0) {
      if (b <= 0x7f) units[n++] = b
      else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1
        cp = b & 0x1f
      } else if (b >= 0xe0 && b <= 0xef) {
        // WHATWG narrows ED to 80..9F (no surrogates); WTF-8 keeps the full 80..BF.
        if (b === 0xe0) lower = 0xa0
        needed = 2
        cp = b & 0xf
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90
        if (b === 0xf4) upper = 0x8f
        needed = 3
        cp = b & 0x7
      } else units[n++] = 0xfffd
      continue
    }
    if (b < lower || b > upper) {
      needed = 0
      seen = 0
      cp = 0
      lower = 0x80
      upper = 0xbf
      units[n++] = 0xfffd
      i-- // the byte starts over as a lead byte
      continue
    }
    lower = 0x80
    upper = 0xbf
    cp = (cp << 6) | (b & 0x3f)
    if (++seen === needed) {
      if (cp > 0xffff) {
        units[n++] = 0xd800 + ((cp - 0x10000) >> 10)
        units[n++] = 0xdc00 + ((cp - 0x10000) & 0x3ff)
      } else units[n++] = cp
      needed = 0
      seen = 0
      cp = 0
    }
  }
  if (needed !== 0) units[n++] = 0xfffd
  return unitsToString(units.subarray(0, n))
}

/** Number of WTF-8 bytes of `text` without allocating them. */
export function wtf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        i++
      } else bytes += 3
    } else bytes += 3
  }
  return bytes
}

// --- internal ---

function putCodePoint(out: Uint8Array, n: number, c: number): number {
  if (c < 0x80) {
    out[n++] = c
  } else if (c < 0x800) {
    out[n++] = 0xc0 | (c >> 6)
    out[n++] = 0x80 | (c & 0x3f)
  } else if (c < 0x10000) {
    out[n++] = 0xe0 | (c >> 12)
    out[n++] = 0x80 | ((c >> 6) & 0x3f)
    out[n++] = 0x80 | (c & 0x3f)
  } else {
    out[n++] = 0xf0 | (c >> 18)
    out[n++] = 0x80 | ((c >> 12) & 0x3f)
    out[n++] = 0x80 | ((c >> 6) & 0x3f)
    out[n++] = 0x80 | (c & 0x3f)
  }
  return n
}

/** True when some ED is followed by A0..BF: only then does WTF-8 differ from the WHATWG decoder. */
function hasSurrogateBytes(bytes: Uint8Array): boolean {
  let i = bytes.indexOf(0xed)
  while (i !== -1 && i + 1 < bytes.length) {
    const next = bytes[i + 1] as number
    if (next >= 0xa0 && next <= 0xbf) return true
    i = bytes.indexOf(0xed, i + 1)
  }
  return false
}

function unitsToString(units: Uint16Array): string {
  let out = ''
  for (let i = 0; i < units.length; i += 8192) {
    out += String.fromCharCode(...units.subarray(i, Math.min(i + 8192, units.length)))
  }
  return out
}
