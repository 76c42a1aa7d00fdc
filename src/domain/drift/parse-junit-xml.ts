import { SaxesParser, type SaxesTagPlain } from 'saxes'

/** One pytest test (or one test file that failed to collect) as its JUnit XML report has it. */
export interface PytestCase {
  /** pytest's node id, e.g. `tests/test_model.py::TestGPT::test_forward[cpu]`; a collection error is the file's path. */
  nodeid: string
  /** The test file, relative to pytest's rootdir, when the report names it. */
  file: string | undefined
  /** 1-based line of the test function. */
  line: number | undefined
  state: 'passed' | 'failed' | 'skipped'
  /** pytest's own time for the test, in ms. */
  durationMs: number
  /** `failure`, `error` (setup/teardown, collection) or `skipped`/`xfail`, when not passed. */
  kind?: 'failure' | 'error' | 'collection' | 'skipped' | 'xfail'
  /** The one-line message (`ModuleNotFoundError: No module named 'torch'`, the skip reason). */
  message?: string
  /** The traceback pytest printed for a failure or an error. */
  details?: string
}

/** A JUnit XML text that is not one (pytest wrote half a file, or something else wrote it). */
export class JunitXmlError extends Error {}

/**
 * Parses pytest's `--junitxml` report (either family; `xunit1` adds `file` and `line`). Each
 * `<testcase>` becomes one case with its node id rebuilt the way pytest's `mangle_test_address`
 * flattened it (`classname` is the file's dotted path plus the classes). A failure or an error
 * (setup, teardown, collection) makes the case failed, whatever else it holds; `<skipped>` skipped
 * (an xfail too, with its reason). A case reported twice (a failing test whose teardown also
 * errors, under some plugins) is kept once, failed wins.
 */
export function parseJunitXml(text: string): PytestCase[] {
  const parser = new SaxesParser({ xmlns: false, position: true })
  const cases = new Map<string, PytestCase>()
  let current: PytestCase | undefined
  let child: { kind: PytestCase['kind']; message: string | undefined; text: string } | undefined
  let error: string | undefined
  parser.on('error', (e) => {
    error ??= e.message
  })
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const attr = (name: string) => (typeof tag.attributes[name] === 'string' ? tag.attributes[name] : undefined)
    if (tag.name === 'testcase') {
      current = testcase(attr('classname') ?? '', attr('name') ?? '', attr('file'), attr('line'), attr('time'))
      return
    }
    if (!current) return
    if (tag.name === 'failure' || tag.name === 'error' || tag.name === 'skipped') {
      const kind =
        tag.name === 'skipped'
          ? attr('type') === 'pytest.xfail'
            ? 'xfail'
            : 'skipped'
          : tag.name === 'error' && attr('message') === 'collection failure'
            ? 'collection'
            : tag.name
      child = { kind, message: attr('message'), text: '' }
    }
  })
  parser.on('text', (t) => {
    if (child) child.text += t
  })
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (child && (tag.name === 'failure' || tag.name === 'error' || tag.name === 'skipped')) {
      if (current) apply(current, child)
      child = undefined
      return
    }
    if (tag.name === 'testcase' && current) {
      const seen = cases.get(current.nodeid)
      if (!seen || (seen.state !== 'failed' && current.state === 'failed')) cases.set(current.nodeid, current)
      current = undefined
    }
  })
  try {
    parser.write(text).close()
  } catch {
    // saxes throws after its error event; the first error was recorded.
  }
  if (error) throw new JunitXmlError(`not a well-formed JUnit XML report: ${error}`)
  return [...cases.values()]
}

// --- internal ---

function testcase(
  classname: string,
  name: string,
  file: string | undefined,
  line: string | undefined,
  time: string | undefined,
): PytestCase {
  const seconds = Number(time ?? 0)
  return {
    nodeid: nodeId(classname, name, file),
    file,
    line: line !== undefined && /^\d+$/.test(line) ? Number(line) + 1 : undefined,
    state: 'passed',
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000 * 10) / 10 : 0,
  }
}

/**
 * pytest wrote `classname` as the node id's path with `/` → `.` and `.py` dropped, joined to the
 * class names by `.`; a collection error has no classname and the dotted path as its name.
 */
function nodeId(classname: string, name: string, file: string | undefined): string {
  if (!file) return classname ? `${classname}::${name}` : name
  const dotted = file.replace(/\.py$/, '').replaceAll('/', '.')
  if (classname === '' && name === dotted) return file
  if (classname === dotted) return `${file}::${name}`
  if (classname.startsWith(`${dotted}.`))
    return [file, ...classname.slice(dotted.length + 1).split('.'), name].join('::')
  return `${classname}::${name}`
}

function apply(c: PytestCase, child: { kind: PytestCase['kind']; message: string | undefined; text: string }): void {
  const failing = child.kind === 'failure' || child.kind === 'error' || child.kind === 'collection'
  if (c.state === 'failed') {
    // A teardown error after a failure: the failure stays the message, both tracebacks are kept.
    if (failing) c.details = `${c.details ?? ''}\n\n${child.message ?? ''}\n${child.text.trim()}`.trim()
    return
  }
  c.state = failing ? 'failed' : 'skipped'
  c.kind = child.kind
  const text = child.text.trim()
  // A collection error's message is only "collection failure": the exception is the last `E` line.
  const raised = child.kind === 'collection' ? lastRaised(text) : undefined
  c.message = raised ?? child.message ?? text.split('\n')[0]
  if (failing) c.details = text
}

function lastRaised(text: string): string | undefined {
  const lines = text.split('\n').filter((l) => /^E {3}/.test(l))
  return lines.at(-1)?.slice(4).trim() || undefined
}
