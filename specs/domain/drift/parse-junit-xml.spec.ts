import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { JunitXmlError, parseJunitXml } from '../../../src/domain/drift/parse-junit-xml.ts'

// What pytest 9 wrote for the drift fixture without fancy_optional (`-o junit_family=xunit1`), trimmed.
const WITHOUT = `<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="5" time="0.117" hostname="vm"><testcase classname="" name="tests.test_plugins" file="tests/test_plugins.py" time="0.000"><error message="collection failure">ImportError while importing test module '/tmp/repo/tests/test_plugins.py'.
Traceback:
tests/test_plugins.py:1: in &lt;module&gt;
    import fancy_optional.plugins
E   ModuleNotFoundError: No module named 'fancy_optional' (hidden by codex-gates python-drift)</error></testcase><testcase classname="tests.test_optional" name="test_core" file="tests/test_optional.py" line="5" time="0.001" /><testcase classname="tests.test_optional" name="test_guarded" file="tests/test_optional.py" line="9" time="0.001"><skipped type="pytest.skip" message="fancy_optional is not installed">/tmp/repo/tests/test_optional.py:14: fancy_optional is not installed</skipped></testcase><testcase classname="tests.test_optional" name="test_unguarded" file="tests/test_optional.py" line="17" time="0.0015"><failure message="ModuleNotFoundError: No module named 'fancy_optional' (hidden by codex-gates python-drift)">def test_unguarded():
&gt;       import fancy_optional
E       ModuleNotFoundError: No module named 'fancy_optional' (hidden by codex-gates python-drift)

tests/test_optional.py:19: ModuleNotFoundError</failure></testcase></testsuite></testsuites>`

describe('parseJunitXml()', () => {
  test('pytest’s report of a cell: node ids, 1-based lines, ms, failures with tracebacks, skip reasons, collection errors', () => {
    expect(parseJunitXml(WITHOUT)).toEqual([
      {
        nodeid: 'tests/test_plugins.py',
        file: 'tests/test_plugins.py',
        line: undefined,
        state: 'failed',
        durationMs: 0,
        kind: 'collection',
        message: "ModuleNotFoundError: No module named 'fancy_optional' (hidden by codex-gates python-drift)",
        details: expect.stringContaining('import fancy_optional.plugins\nE   ModuleNotFoundError'),
      },
      {
        nodeid: 'tests/test_optional.py::test_core',
        file: 'tests/test_optional.py',
        line: 6,
        state: 'passed',
        durationMs: 1,
      },
      {
        nodeid: 'tests/test_optional.py::test_guarded',
        file: 'tests/test_optional.py',
        line: 10,
        state: 'skipped',
        durationMs: 1,
        kind: 'skipped',
        message: 'fancy_optional is not installed',
      },
      {
        nodeid: 'tests/test_optional.py::test_unguarded',
        file: 'tests/test_optional.py',
        line: 18,
        state: 'failed',
        durationMs: 1.5,
        kind: 'failure',
        message: "ModuleNotFoundError: No module named 'fancy_optional' (hidden by codex-gates python-drift)",
        details: expect.stringMatching(/^def test_unguarded\(\):\n> {7}import fancy_optional\n/),
      },
    ])
  })

  test('classes, parameters, xfail, setup errors, a failure with a teardown error, and the xunit2 family', () => {
    const xml = `<testsuites><testsuite name="pytest">
      <testcase classname="tests.models.test_gpt.TestGPT.TestForward" name="test_shapes[cpu-1.5]" file="tests/models/test_gpt.py" line="40" time="0.25"/>
      <testcase classname="tests.test_x" name="test_later" file="tests/test_x.py" line="3" time="0.01"><skipped type="pytest.xfail" message="needs CUDA graphs"/></testcase>
      <testcase classname="tests.test_x" name="test_fixture" file="tests/test_x.py" line="8" time="0"><error message="failed on setup with &quot;FileNotFoundError&quot;">E   FileNotFoundError: data/</error></testcase>
      <testcase classname="tests.test_x" name="test_both" file="tests/test_x.py" line="12" time="0.1"><failure message="assert 1 == 2">E   assert 1 == 2</failure><error message="failed on teardown with &quot;OSError&quot;">E   OSError</error></testcase>
      <testcase classname="tests.test_y" name="test_v2" time="0.002"/>
    </testsuite></testsuites>`
    expect(parseJunitXml(xml).map((c) => [c.nodeid, c.state, c.kind, c.message])).toEqual([
      ['tests/models/test_gpt.py::TestGPT::TestForward::test_shapes[cpu-1.5]', 'passed', undefined, undefined],
      ['tests/test_x.py::test_later', 'skipped', 'xfail', 'needs CUDA graphs'],
      ['tests/test_x.py::test_fixture', 'failed', 'error', 'failed on setup with "FileNotFoundError"'],
      ['tests/test_x.py::test_both', 'failed', 'failure', 'assert 1 == 2'],
      ['tests.test_y::test_v2', 'passed', undefined, undefined],
    ])
  })

  test('a report cut short is an error, not an empty result', () => {
    expect(() => parseJunitXml('<testsuites><testsuite><testcase name="x"')).toThrow(JunitXmlError)
  })

  test('rebuilds any node id pytest flattened into classname and name (property)', () => {
    const ident = fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/)
    const klass = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,6}$/)
    const param = fc
      .string({ maxLength: 8 })
      .filter((p) => !p.includes('::') && !/[\u0000-\u001f\ud800-\udfff\ufffe\uffff]/.test(p))
    fc.assert(
      fc.property(
        fc.array(ident, { maxLength: 3 }),
        ident,
        fc.array(klass, { maxLength: 2 }),
        ident,
        fc.option(param),
        (dirs, module, classes, fn, p) => {
          const file = [...dirs, `test_${module}.py`].join('/')
          const name = `test_${fn}${p === null ? '' : `[${p}]`}`
          const nodeid = [file, ...classes, name].join('::')
          // pytest's mangle_test_address: the path dotted, `.py` dropped, joined to the classes.
          const classname = [file.replace(/\.py$/, '').replaceAll('/', '.'), ...classes].join('.')
          const esc = (s: string) =>
            s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('"', '&quot;').replaceAll('>', '&gt;')
          const xml = `<testsuites><testsuite><testcase classname="${esc(classname)}" name="${esc(name)}" file="${esc(file)}" line="0" time="0.5"/></testsuite></testsuites>`
          expect(parseJunitXml(xml)[0]?.nodeid).toBe(nodeid)
        },
      ),
    )
  })
})
