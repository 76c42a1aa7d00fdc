// fast-check generators of PEP 440 / PEP 508 text in the many spellings packaging accepts (and
// some it rejects), shared by the property spec and the reference-table script.
import fc from 'fast-check'

const sep = fc.constantFrom('', '', '.', '-', '_')
const num = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 3 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('00', '01', '10', '2024') },
  { weight: 1, arbitrary: fc.constantFrom('12345678901234567890') },
)
const caseOf = (word: string) => fc.constantFrom(word, word.toUpperCase(), word[0]!.toUpperCase() + word.slice(1))

const preLabel = fc.constantFrom('a', 'b', 'c', 'rc', 'alpha', 'beta', 'pre', 'preview').chain(caseOf)
const postLabel = fc.constantFrom('post', 'r', 'rev').chain(caseOf)
const local = fc
  .array(fc.constantFrom('ubuntu', 'cu121', 'cpu', '1', '007', 'abc', 'Z'), { minLength: 1, maxLength: 3 })
  .chain((parts) =>
    fc
      .array(fc.constantFrom('.', '-', '_'), { minLength: parts.length, maxLength: parts.length })
      .map((seps) => parts.map((p, i) => (i ? seps[i] : '') + p).join('')),
  )

/** A release segment of 1–4 parts, e.g. `1.0.2`. */
export const release = fc.array(num, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'))

/** A version in one of its many spellings: `v1!2.0-RC.1.post-2.dev+ubuntu.1`, ` 1.0 `, `1.0a`. */
export const versionText = fc
  .record({
    v: fc.constantFrom('', '', '', 'v', 'V'),
    epoch: fc.option(fc.constantFrom('0', '1', '2'), { freq: 6 }),
    release,
    pre: fc.option(fc.tuple(sep, preLabel, sep, fc.option(num, { freq: 4 })), { freq: 3 }),
    post: fc.option(
      fc.oneof(
        num.map((n) => `-${n}`),
        fc
          .tuple(sep, postLabel, sep, fc.option(num, { freq: 4 }))
          .map(([a, l, b, n]) => `${a}${l}${n === null ? '' : b + n}`),
      ),
      { freq: 4 },
    ),
    dev: fc.option(fc.tuple(sep, caseOf('dev'), sep, fc.option(num, { freq: 4 })), { freq: 4 }),
    local: fc.option(local, { freq: 5 }),
    pad: fc.constantFrom('', '', '', '', ' ', '\t'),
  })
  .map(
    (r) =>
      r.pad +
      r.v +
      (r.epoch === null ? '' : `${r.epoch}!`) +
      r.release +
      (r.pre === null ? '' : `${r.pre[0]}${r.pre[1]}${r.pre[3] === null ? '' : r.pre[2] + r.pre[3]}`) +
      (r.post ?? '') +
      (r.dev === null ? '' : `${r.dev[0]}${r.dev[1]}${r.dev[3] === null ? '' : r.dev[2] + r.dev[3]}`) +
      (r.local === null ? '' : `+${r.local}`) +
      r.pad,
  )

/** Mostly versions, some near-misses packaging rejects (`1..0`, `1.0+`, `1.0-dev-`, `1.0.x`). */
export const versionOrJunk = fc.oneof(
  { weight: 9, arbitrary: versionText },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '1..0',
      '1.0+',
      '1.0.x',
      'a1',
      '1.0a1a',
      '1.0 .1',
      '1!',
      '1.0-',
      '1.0.*',
      'latest',
      '1_0',
    ),
  },
)

/** A short version without spaces, so equality and prefix matches hit often. */
export const itemVersion = fc
  .record({
    release: fc.array(fc.constantFrom('0', '1', '2'), { minLength: 1, maxLength: 3 }).map((p) => p.join('.')),
    suffix: fc.constantFrom(
      '',
      '',
      '',
      'a1',
      'rc1',
      '.post1',
      '.dev0',
      'b2.post1.dev3',
      '+local.1',
      '.post1+x',
      'a1+cu1',
    ),
  })
  .map((r) => r.release + r.suffix)

const operator = fc.constantFrom('==', '!=', '<=', '>=', '<', '>', '~=', '===')

/** One clause: an operator, optional spaces, a version, sometimes `.*`. */
export const clauseText = fc
  .record({
    op: operator,
    space: fc.constantFrom('', '', ' '),
    version: fc.oneof(
      { weight: 3, arbitrary: itemVersion },
      { weight: 2, arbitrary: versionText.map((v) => v.trim()) },
    ),
    star: fc.constantFrom(false, false, false, true),
  })
  .map((r) => `${r.op}${r.space}${r.version}${r.star ? '.*' : ''}`)

/** A specifier set of 0–3 clauses (comma-separated, loose spacing). */
export const specifierSetText = fc
  .array(clauseText, { minLength: 0, maxLength: 3 })
  .chain((clauses) => fc.constantFrom(',', ', ', ' ,').map((joiner) => clauses.join(joiner)))

/** A batch item list for one specifier: versions that sit near its own and elsewhere. */
export const itemsFor = fc.array(itemVersion, { minLength: 3, maxLength: 8 })

const markerVar = fc.constantFrom(
  'python_version',
  'python_full_version',
  'sys_platform',
  'platform_machine',
  'os_name',
  'platform_system',
  'implementation_name',
  'platform_python_implementation',
  'extra',
  'os.name',
  'platform.machine',
)
const markerValue = fc.constantFrom(
  '3.8',
  '3.11',
  '3.11.7',
  '3',
  'linux',
  'win32',
  'x86_64',
  'cpython',
  'posix',
  'gpu',
  'Foo_Bar',
  '3.*',
  'lin',
)
const markerOp = fc.constantFrom('==', '!=', '<', '<=', '>', '>=', '~=', '===', 'in', 'not in')
const markerItem = fc
  .record({
    variable: markerVar,
    op: markerOp,
    value: markerValue,
    flip: fc.boolean(),
    quote: fc.constantFrom('"', "'"),
  })
  .map((r) => {
    const value = `${r.quote}${r.value}${r.quote}`
    return r.flip ? `${value} ${r.op} ${r.variable}` : `${r.variable} ${r.op} ${value}`
  })

/** A marker expression of 1–4 comparisons joined by and/or, some parenthesised. */
export const markerText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { weight: 3, arbitrary: markerItem },
    {
      weight: 1,
      arbitrary: fc
        .tuple(tie('expr'), fc.constantFrom(' and ', ' or '), tie('expr'), fc.boolean())
        .map(([a, op, b, paren]) => (paren ? `(${a}${op}${b})` : `${a}${op}${b}`)),
    },
  ),
})).expr

/** The marker environment Python 3.11.7 on Linux x86_64 reports, with an extra. */
export const MARKER_ENV = {
  implementation_name: 'cpython',
  implementation_version: '3.11.7',
  os_name: 'posix',
  platform_machine: 'x86_64',
  platform_release: '6.1.0',
  platform_system: 'Linux',
  platform_version: '#1 SMP',
  python_full_version: '3.11.7',
  platform_python_implementation: 'CPython',
  python_version: '3.11',
  sys_platform: 'linux',
  extra: 'gpu',
}

/** A PEP 508 requirement: name, extras, specifier (bare or parenthesised) or URL, marker. */
export const requirementText = fc
  .record({
    name: fc.constantFrom('torch', 'Flash_Attn', 'ruamel.yaml', 'a', 'zope.interface', 'PyYAML', 'scikit-learn'),
    extras: fc.option(fc.array(fc.constantFrom('gpu', 'Dev_Tools', 'io', 'all'), { minLength: 0, maxLength: 3 }), {
      freq: 3,
    }),
    spec: fc.option(specifierSetText, { freq: 4 }),
    paren: fc.boolean(),
    url: fc.option(
      fc.constantFrom(
        'https://example.org/pkg-1.0.tar.gz',
        'git+https://github.com/o/r@v1.2#egg=x',
        'file:///tmp/x.whl',
      ),
      { freq: 6 },
    ),
    marker: fc.option(markerText, { freq: 3 }),
    space: fc.constantFrom('', ' '),
  })
  .map((r) => {
    let text = r.name
    if (r.extras) text += `${r.space}[${r.extras.join(`,${r.space}`)}]`
    if (r.url) {
      text += ` @ ${r.url}`
      if (r.marker) text += ` ; ${r.marker}`
      return text
    }
    if (r.spec) text += r.paren ? `${r.space}(${r.spec})` : `${r.space}${r.spec}`
    if (r.marker) text += `${r.space};${r.space}${r.marker}`
    return text
  })
