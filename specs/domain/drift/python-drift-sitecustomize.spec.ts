import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'
import { hasPython3, NO_PYTHON3 } from './_pytest.ts'

const SOURCE = join(REPO_ROOT, 'src', 'domain', 'drift', 'python-drift-sitecustomize.py')

/** A folder with the hiding sitecustomize.py and a package `optpkg` (with a submodule) beside it. */
function setup(): { hiding: string; lib: string; proof: string } {
  const dir = tempDir('sitecustomize-')
  const hiding = join(dir, 'hiding')
  const lib = join(dir, 'lib')
  mkdirSync(hiding)
  mkdirSync(join(lib, 'optpkg'), { recursive: true })
  copyFileSync(SOURCE, join(hiding, 'sitecustomize.py'))
  writeFileSync(join(lib, 'optpkg', '__init__.py'), 'VALUE = 1\n')
  writeFileSync(join(lib, 'optpkg', 'sub.py'), 'VALUE = 2\n')
  return { hiding, lib, proof: join(dir, 'proof.ndjson') }
}

function py(code: string, env: Record<string, string>, args: string[] = []) {
  const r = spawnSync('python3', [...args, '-c', code], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
  })
  return { status: r.status, out: r.stdout.trim(), err: r.stderr.trim() }
}

const PROBE = `
import importlib.util, json, sys
out = {}
for name in ["optpkg", "optpkg.sub", "json"]:
    try:
        __import__(name)
        out[name] = "imported"
    except ModuleNotFoundError as e:
        out[name] = f"{type(e).__name__}:{e.name}:{e}"
out["find_spec(optpkg)"] = repr(importlib.util.find_spec("optpkg"))
try:
    importlib.util.find_spec("optpkg.sub")
    out["find_spec(optpkg.sub)"] = "returned"
except ModuleNotFoundError as e:
    out["find_spec(optpkg.sub)"] = f"raised:{e.name}"
print(json.dumps(out))
`

describe('python-drift-sitecustomize.py', () => {
  test('hides the named module and its submodules as if not installed; the rest imports', (ctx) => {
    if (!hasPython3) return ctx.skip(NO_PYTHON3)
    const { hiding, lib, proof } = setup()
    const env = { PYTHONPATH: [hiding, lib].join(delimiter), CODEX_PYTHON_DRIFT_PROOF: proof }
    const hidden = py(PROBE, { ...env, CODEX_PYTHON_DRIFT_WITHOUT: 'optpkg' })
    expect(hidden.err).toBe('')
    expect(JSON.parse(hidden.out)).toEqual({
      optpkg: "ModuleNotFoundError:optpkg:No module named 'optpkg' (hidden by codex-gates python-drift)",
      'optpkg.sub': "ModuleNotFoundError:optpkg:No module named 'optpkg' (hidden by codex-gates python-drift)",
      json: 'imported',
      // find_spec answers None for the missing module and raises for a child of it, as CPython does.
      'find_spec(optpkg)': 'None',
      'find_spec(optpkg.sub)': 'raised:optpkg',
    })
    const lines = readFileSync(proof, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toEqual([
      expect.objectContaining({ event: 'start', hidden: ['optpkg'], purged: [] }),
      // Refused: two imports and two find_spec calls; it was there to be found (installed).
      expect.objectContaining({ event: 'exit', refused: { optpkg: 4 }, present: { optpkg: true } }),
    ])

    const baseline = JSON.parse(py(PROBE, env).out)
    expect(baseline).toMatchObject({ optpkg: 'imported', 'optpkg.sub': 'imported', json: 'imported' })
    expect(baseline['find_spec(optpkg)']).toMatch(/^ModuleSpec\(name='optpkg'/)
  })

  test('a dotted name hides only that submodule', (ctx) => {
    if (!hasPython3) return ctx.skip(NO_PYTHON3)
    const { hiding, lib } = setup()
    const out = JSON.parse(
      py(PROBE, { PYTHONPATH: [hiding, lib].join(delimiter), CODEX_PYTHON_DRIFT_WITHOUT: 'optpkg.sub' }).out,
    )
    expect(out).toMatchObject({
      optpkg: 'imported',
      'optpkg.sub': "ModuleNotFoundError:optpkg.sub:No module named 'optpkg.sub' (hidden by codex-gates python-drift)",
    })
  })

  test('runs the sitecustomize it shadows, after the hiding is in place', (ctx) => {
    if (!hasPython3) return ctx.skip(NO_PYTHON3)
    const { hiding, lib } = setup()
    const other = join(tempDir('other-site-'), 'site')
    mkdirSync(other)
    // A distribution's own start-up hook, which tries the hidden module too.
    writeFileSync(
      join(other, 'sitecustomize.py'),
      'import builtins\ntry:\n    import optpkg\n    builtins.SEEN = "imported"\nexcept ImportError:\n    builtins.SEEN = "hidden"\n',
    )
    const env = { PYTHONPATH: [hiding, lib, other].join(delimiter), CODEX_PYTHON_DRIFT_WITHOUT: 'optpkg' }
    expect(py('import builtins, sitecustomize; print(builtins.SEEN, sitecustomize.__file__)', env).out).toBe(
      `hidden ${join(other, 'sitecustomize.py')}`,
    )
  })

  test('drops a hidden module a .pth file imported before it ran', (ctx) => {
    if (!hasPython3) return ctx.skip(NO_PYTHON3)
    const { hiding, lib, proof } = setup()
    const venv = join(tempDir('venv-'), 'v')
    const made = spawnSync('python3', ['-m', 'venv', '--without-pip', venv], { encoding: 'utf8' })
    if (made.status !== 0) throw new Error(`python3 -m venv failed: ${made.stderr}`)
    const site = spawnSync(join(venv, 'bin', 'python'), ['-c', 'import site; print(site.getsitepackages()[0])'], {
      encoding: 'utf8',
    }).stdout.trim()
    writeFileSync(join(site, 'preload.pth'), `import sys; sys.path.append(${JSON.stringify(lib)}); import optpkg\n`)
    const r = spawnSync(join(venv, 'bin', 'python'), ['-c', 'import optpkg'], {
      env: {
        PATH: process.env.PATH,
        PYTHONPATH: hiding,
        CODEX_PYTHON_DRIFT_WITHOUT: 'optpkg',
        CODEX_PYTHON_DRIFT_PROOF: proof,
      },
      encoding: 'utf8',
    })
    expect(r.stderr).toContain("ModuleNotFoundError: No module named 'optpkg' (hidden by codex-gates python-drift)")
    expect(JSON.parse(readFileSync(proof, 'utf8').split('\n')[0] as string)).toMatchObject({ purged: ['optpkg'] })
  })
})
