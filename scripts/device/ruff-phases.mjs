// node scripts/device/ruff-phases.mjs <lazy|eager>: ruff-wasm's start for one file (scripts/device/torch_reference.py)
// in a fresh process, phase by phase: compile, instantiate, Workspace, check, format (see RuffEngine.lazyCompilation)
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import os from 'node:os'
import v8 from 'node:v8'

const mode = process.argv[2]
v8.setFlagsFromString('--liftoff-only')
v8.setFlagsFromString('--wasm-lazy-validation')
if (mode === 'eager') v8.setFlagsFromString('--no-wasm-lazy-compilation')
const dir = new URL('../../node_modules/@astral-sh/ruff-wasm-nodejs/', import.meta.url).pathname
const sample = readFileSync(new URL('./torch_reference.py', import.meta.url), 'utf8')
const cpu0 = process.cpuUsage()
const r = {}
let t = performance.now()
const t0 = t
const lap = (k) => {
  const n = performance.now()
  r[k] = +(n - t).toFixed(1)
  t = n
}
const mod = await WebAssembly.compile(await readFile(dir + 'ruff_wasm_bg.wasm'))
lap('readCompile')
const O = WebAssembly.Module
WebAssembly.Module = () => mod
const ruff = createRequire(import.meta.url)(dir + 'ruff_wasm.js')
WebAssembly.Module = O
lap('instantiate')
const ws = new ruff.Workspace({ 'line-length': 100, lint: { select: ['E', 'F', 'W', 'I', 'B', 'UP'] } }, 1)
lap('workspace')
const d = ws.check(sample)
lap('check')
ws.format(sample)
lap('format')
const c = process.cpuUsage(cpu0)
r.total = +(performance.now() - t0).toFixed(1)
r.cpuMs = Math.round((c.user + c.system) / 1000)
r.cores = os.availableParallelism()
r.mode = mode
r.findings = d.length
console.log(JSON.stringify(r))
