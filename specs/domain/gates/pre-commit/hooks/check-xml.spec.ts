import { describe, expect, test } from 'vitest'
import { checkXml } from '../../../../../src/domain/gates/pre-commit/hooks/check-xml.ts'
import { hasPython3, python } from '../_python.ts'
import { bin } from './_file.ts'

const CASES = [
  '<a/>',
  '<a>',
  '<a></b>',
  '<a/><b/>',
  '',
  '<a>&foo;</a>',
  '<a x="1" x="2"/>',
  '<?xml version="1.0"?>\n<a>\n  <b>\n</a>\n',
  '\xef\xbb\xbf<a/>',
  '<a>\xff</a>',
  '<?xml version="1.0" encoding="ISO-8859-1"?><a>\xff</a>',
  '<!DOCTYPE a [<!ENTITY foo "x">]><a>&foo;</a>',
  '  <?xml version="1.0"?><a/>',
  '<a><![CDATA[x]]></a>',
  '<a>]]></a>',
  '<a b=c/>',
  '<1a/>',
  '<a>&#0;</a>',
  '<a>\x01</a>',
  '<a>&amp;&lt;&#x41;</a>',
  '<!-- c --><a xmlns:p="u"><p:b/></a>',
  // UTF-16 by its BOM, both byte orders.
  '\xfe\xff\x00<\x00a\x00/\x00>',
  '\xff\xfe<\x00a\x00/\x00>\x00',
  // A declared US-ASCII document with a byte above 0x7f is not well-formed; within ASCII it is.
  '<?xml version="1.0" encoding="us-ascii"?><a>\xe9</a>',
  '<?xml version="1.0" encoding="US-ASCII"?><a>x</a>',
  '<!DOCTYPE a [<!ENTITY foo \'y\'><!ENTITY ext SYSTEM "x.xml">]><a>&foo;</a>',
]

describe('checkXml()', () => {
  test.skipIf(!hasPython3)('agrees with xml.sax (expat) on well-formedness and on the phrase for common errors', () => {
    const expected = python<(string | null)[]>(
      "import io,json,sys,xml.sax,xml.sax.handler\nout=[]\nfor s in json.load(sys.stdin):\n  f=io.BytesIO(s.encode('latin1')); f.name='t.xml'\n  try:\n    xml.sax.parse(f, xml.sax.handler.ContentHandler()); out.append(None)\n  except xml.sax.SAXException as e:\n    out.append(str(e).split(': ',1)[1])\nprint(json.dumps(out))",
      CASES,
    )
    const actual = CASES.map((c) => {
      const [p] = checkXml(bin('t.xml', c)).problems
      return p ? (/: ([^:]+)\)$/.exec(p.message)?.[1] ?? p.message) : null
    })
    // Verdicts must agree everywhere; expat's phrase is matched for the categories mapped.
    expect(actual.map((a) => a !== null)).toEqual(expected.map((e) => e !== null))
    const phrases = [
      'mismatched tag',
      'no element found',
      'junk after document element',
      'undefined entity',
      'duplicate attribute',
    ]
    actual.forEach((a, i) => {
      if (phrases.includes(expected[i] as string)) expect(a).toBe(expected[i])
    })
  })

  test('message: {file}: Failed to xml parse ({file}:{line}:{col}: {phrase})', () => {
    expect(checkXml(bin('t.xml', '<a>\n<b></a>')).problems[0]?.message).toMatch(
      /^t\.xml: Failed to xml parse \(t\.xml:2:\d+: mismatched tag\)$/,
    )
  })
})
