import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FAKE_SECRETS, type FakeSecret, randomString } from '../../domain/gates/secrets/fake-secrets.ts'
import { scanSecretsInBytes } from '../../domain/gates/secrets/secrets.ts'
import type { OptionDefs, OptionValues } from '../../foundation/cli/define-command.ts'
import { UserError } from '../../foundation/errors/user-error.ts'
import { ScratchReader } from '../../foundation/fs/text-file.ts'
import { Prng } from '../../foundation/random/prng.ts'
import type { BenchResult, BenchRow } from './bench-report.ts'
import { defineBench } from './define-bench.ts'

/** A planted secret: where it is and what must find it. */
interface Planted {
  file: string
  line: number
  rule: string
  secret: string
}

const SECRETLINT = ['secretlint@13.0.6', '@secretlint/secretlint-rule-preset-recommend@13.0.7']

const OPTIONS = {
  mb: { type: 'integer', valueName: 'n', default: 200, description: 'MiB of corpus to generate' },
  repeats: { type: 'integer', valueName: 'n', default: 3, description: 'timed scans (the best is reported)' },
  seed: { type: 'integer', valueName: 'n', default: 1, description: 'seed of the generated corpus' },
  'no-secretlint': { type: 'boolean', description: 'leave the secretlint comparison out (no npm install)' },
} as const satisfies OptionDefs

/**
 * `npm run bench -- secrets`: generates a mixed corpus (code, JSON, lockfiles, Markdown, logs,
 * minified JS, base64) with planted fake secrets into os.tmpdir(), then scans it with our
 * scanner and with secretlint (recommended preset, installed into a temp folder) in the same run.
 */
export const secretsBench = defineBench({
  name: 'secrets',
  summary: 'the secrets scanner against secretlint on a generated corpus with planted secrets',
  options: OPTIONS,
  measure: measureBench,
})

async function measureBench(values: OptionValues<typeof OPTIONS>): Promise<BenchResult> {
  const { mb, repeats, seed } = values
  // Installed before the corpus is built: a failed install stops the run in seconds, not minutes.
  const secretlint = values['no-secretlint'] ? undefined : installSecretlint(join(tmpdir(), 'codex-gates-secretlint'))
  const dir = mkdtempSync(join(tmpdir(), 'bench-secrets-'))
  try {
    const corpus = generateCorpus(dir, mb * 1024 * 1024, seed)
    const ours = measureOurs(dir, corpus.files, corpus.planted, repeats)
    const theirs = secretlint ? measureSecretlint(secretlint, dir, corpus.planted) : undefined
    const mbTotal = corpus.bytes / 1024 / 1024
    const rows: BenchRow[] = [
      {
        scanner: 'codex-gates secrets (wall, best of repeats)',
        MB: Number(mbTotal.toFixed(1)),
        seconds: ours.wall,
        'MB/s': mbTotal / ours.wall,
        'recall %': (100 * ours.found) / corpus.planted.length,
        'other findings': ours.other,
      },
      {
        scanner: 'codex-gates secrets (CPU time)',
        MB: Number(mbTotal.toFixed(1)),
        seconds: ours.cpu,
        'MB/s': mbTotal / ours.cpu,
      },
    ]
    if (theirs) {
      rows.push({
        scanner: `secretlint ${SECRETLINT[0]?.split('@')[1]} recommended (wall, incl. start-up)`,
        MB: Number(mbTotal.toFixed(1)),
        seconds: theirs.wall,
        'MB/s': mbTotal / theirs.wall,
        'recall %': (100 * theirs.found) / corpus.planted.length,
        'other findings': theirs.other,
      })
      rows.push({
        scanner: `secretlint ${SECRETLINT[0]?.split('@')[1]} recommended (CPU time)`,
        MB: Number(mbTotal.toFixed(1)),
        seconds: theirs.cpu,
        'MB/s': mbTotal / theirs.cpu,
      })
    }
    const ratio = theirs ? theirs.wall / ours.wall : undefined
    return {
      name: 'secrets',
      rows,
      targets: [
        {
          target: 'our scanner ≥ 100 MB/s (wall)',
          value: Number((mbTotal / ours.wall).toFixed(1)),
          met: mbTotal / ours.wall >= 100,
        },
        ...(ratio === undefined
          ? []
          : [{ target: '≥ 10× secretlint (wall)', value: `${ratio.toFixed(1)}×`, met: ratio >= 10 }]),
        ...(theirs && Number.isFinite(theirs.cpu)
          ? [
              {
                target: '≥ 10× secretlint (CPU time)',
                value: `${(theirs.cpu / ours.cpu).toFixed(1)}×`,
                met: theirs.cpu / ours.cpu >= 10,
              },
            ]
          : []),
      ],
      notes: [
        `${corpus.files.length} files, ${corpus.planted.length} planted fake secrets of ${Object.keys(FAKE_SECRETS).length} kinds, seed ${seed}`,
        'recall = planted secrets reported on their line; other findings = anything else reported (false positives)',
        'the machine is shared: wall figures move with its load; CPU time is the steadier figure',
      ],
      extra: {
        planted_by_rule: countBy(corpus.planted.map((p) => p.rule)),
        ours_missed: ours.missed,
        secretlint_missed: theirs?.missedByRule,
      },
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// --- corpus ---

// An ML codebase's vocabulary; a few words carry secret keywords (token, auth, key) as real code does.
const WORDS = [
  'model',
  'batch',
  'loss',
  'step',
  'logits',
  'targets',
  'config',
  'value',
  'result',
  'data',
  'train',
  'eval',
  'layer',
  'weights',
  'optimizer',
  'schedule',
  'epoch',
  'device',
  'dataset',
  'split',
  'shard',
  'cache',
  'path',
  'metric',
  'grad',
  'norm',
  'scale',
  'seed',
  'window',
  'buffer',
  'tokenizer',
  'token_ids',
  'auth_header',
  'keys',
]
const KINDS = ['ts', 'py', 'json', 'lock', 'md', 'log', 'min.js', 'b64'] as const

function generateCorpus(dir: string, totalBytes: number, seed: number) {
  const rng = Prng.fromSeed(seed)
  const files: string[] = []
  const planted: Planted[] = []
  let bytes = 0
  for (let i = 0; bytes < totalBytes; i++) {
    const kind = KINDS[rng.nextInt(KINDS.length)] as (typeof KINDS)[number]
    const target = Math.min(totalBytes - bytes, 128 * 1024 + rng.nextInt(896 * 1024))
    const lines: string[] = []
    let size = 0
    while (size < target) {
      const line = corpusLine(kind, rng)
      lines.push(line)
      size += line.length + 1
    }
    const name = `f${String(i).padStart(5, '0')}.${kind === 'min.js' ? 'min.js' : kind === 'lock' ? 'lock.json' : kind === 'b64' ? 'txt' : kind}`
    // A quarter of the files get 1-3 fake secrets at random lines (a PEM block spans several).
    const plants = rng.nextInt(4) === 0 ? 1 + rng.nextInt(3) : 0
    const makers = Object.values(FAKE_SECRETS)
    const entries: (string | FakeSecret)[] = lines
    for (let p = 0; p < plants; p++) {
      const fake = (makers[rng.nextInt(makers.length)] as (r: Prng) => FakeSecret)(rng)
      entries.splice(rng.nextInt(entries.length), 0, { ...fake, text: fake.text.replace(/\n$/, '') })
    }
    let lineNo = 1
    for (const e of entries) {
      if (typeof e !== 'string') planted.push({ file: name, line: lineNo, rule: e.rule, secret: e.secret })
      lineNo += (typeof e === 'string' ? e : e.text).split('\n').length
    }
    const text = entries.map((e) => (typeof e === 'string' ? e : e.text))
    const content = `${text.join('\n')}\n`
    writeFileSync(join(dir, name), content)
    files.push(name)
    bytes += Buffer.byteLength(content)
  }
  return { files, planted, bytes }
}

function corpusLine(kind: (typeof KINDS)[number], rng: Prng): string {
  const w = () => WORDS[rng.nextInt(WORDS.length)] as string
  const n = () => rng.nextInt(100_000)
  switch (kind) {
    case 'ts':
      return [
        `export function ${w()}${n()}(${w()}: number, ${w()}: string): ${w()} {`,
        `  const ${w()} = await load${w()}(config.${w()}, { retries: ${n() % 5} })`,
        `  const apiKey = process.env.API_KEY ?? ''`,
        `  return fetch(\`https://api.example.org/v1/${w()}/\${id}\`)`,
        `  // compute the ${w()} over the ${w()} before the next ${w()}`,
        `  if (${w()}.length > ${n()}) throw new Error('${w()} too long: ' + ${w()}.length)`,
        `import { ${w()} } from '../../bench/${w()}/${w()}.ts'`,
        '}',
      ][rng.nextInt(8)] as string
    case 'py':
      return [
        `def ${w()}_${n()}(self, ${w()}, ${w()}=None):`,
        `    ${w()} = self.${w()}(${w()}) * ${rng.nextFloat().toFixed(4)}`,
        `    tokens = tokenizer.encode(text, max_tokens=${n() % 4096})`,
        `    password = os.environ["DB_PASSWORD"]`,
        `    logger.info("step %d loss %.4f", step, loss)`,
        `    return torch.tensor(${w()}, dtype=torch.float32)`,
      ][rng.nextInt(6)] as string
    case 'json':
      return `  {"id": "${uuid(rng)}", "sha": "${randomString(rng, '0123456789abcdef', 40)}", "${w()}": ${rng.nextFloat().toFixed(6)}, "name": "${w()}-${n()}"},`
    case 'lock':
      return `    "node_modules/${w()}-${n()}": { "version": "${n() % 20}.${n() % 30}.${n() % 10}", "integrity": "sha512-${randomString(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 86)}==", "license": "MIT" },`
    case 'md':
      return [
        `## ${w()} and ${w()}`,
        `The ${w()} reads the [${w()} guide](docs/${w()}.md#${w()}) and sets \`${w()}\` to ${n()}.`,
        `- set \`TOKEN=<your-token>\` before running \`npm run ${w()}\``,
        '',
      ][rng.nextInt(4)] as string
    case 'log':
      return `2026-01-${String(1 + (n() % 28)).padStart(2, '0')}T12:00:00Z INFO step=${n()} loss=${rng.nextFloat().toFixed(4)} lr=3e-4 tokens/s=${n()} ${w()}=${w()}`
    case 'min.js':
      return Array.from({ length: 200 }, () => `var ${w()}${n()}=function(a){return a.${w()}+${n()}};`).join('')
    default:
      return randomString(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 76)
  }
}

function uuid(rng: Prng): string {
  const h = (n: number) => randomString(rng, '0123456789abcdef', n)
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`
}

// --- measurements ---

function measureOurs(dir: string, files: string[], planted: Planted[], repeats: number) {
  let wall = Number.POSITIVE_INFINITY
  let cpu = Number.POSITIVE_INFINITY
  let reported: { file: string; line: number; secret: string }[] = []
  for (let r = 0; r < Math.max(1, repeats); r++) {
    const hits: { file: string; line: number; secret: string }[] = []
    const c0 = process.cpuUsage()
    const t0 = performance.now()
    // The gate's own reading path: one scratch buffer, no garbage per file.
    const reader = new ScratchReader()
    for (const file of files) {
      const bytes = reader.read(join(dir, file)) ?? new Uint8Array()
      for (const h of scanSecretsInBytes(bytes, file, { entropyThreshold: 3.5, minLength: 12 })) {
        hits.push({ file, line: h.line, secret: h.secret })
      }
    }
    wall = Math.min(wall, (performance.now() - t0) / 1000)
    const used = process.cpuUsage(c0)
    cpu = Math.min(cpu, (used.user + used.system) / 1e6)
    reported = hits
  }
  const key = (p: { file: string; line: number }) => `${p.file}:${p.line}`
  const plantedKeys = new Set(planted.map(key))
  const reportedKeys = new Set(reported.map(key))
  const missed = planted.filter((p) => !reportedKeys.has(key(p))).map((p) => `${p.file}:${p.line} ${p.rule}`)
  return {
    wall,
    cpu,
    found: planted.length - missed.length,
    other: reported.filter((h) => !plantedKeys.has(key(h))).length,
    missed,
  }
}

/**
 * secretlint's CLI, installed on first use into `prefix` (kept for later runs). Where npm cannot
 * install it (offline, registry unreachable) that is the environment, not a bug: a UserError
 * (exit 2) with npm's own error lines and the two ways on.
 */
export function installSecretlint(prefix: string, npm = 'npm'): string {
  const bin = join(prefix, 'node_modules', '.bin', 'secretlint')
  if (existsSync(bin)) return bin
  mkdirSync(prefix, { recursive: true })
  process.stderr.write(`installing ${SECRETLINT.join(' ')} into ${prefix} for the comparison…\n`)
  const run = spawnSync(npm, ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', ...SECRETLINT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  if (run.error || run.status !== 0 || !existsSync(bin)) {
    const why = run.error
      ? run.error.message
      : run.status !== 0
        ? `npm install exited ${run.status ?? run.signal}: ${npmErrorLines(run.stderr)}`
        : `npm install left no ${bin}`
    throw new UserError(
      'BENCH_SECRETLINT',
      `could not install secretlint for the comparison column (${why})`,
      'check that the npm registry is reachable (`npm ping`) and retry, or leave the comparison out: npm run bench -- secrets --no-secretlint',
    )
  }
  return bin
}

/** The `npm error` lines of npm's stderr (else its last lines), joined on one line. */
function npmErrorLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
  const errors = lines.filter((l) => l.startsWith('npm error') || l.startsWith('npm ERR!'))
  return (errors.length > 0 ? errors.slice(0, 3) : lines.slice(-3)).join(' / ') || '(no output)'
}

/** One secretlint CLI run over the corpus. */
function measureSecretlint(bin: string, dir: string, planted: Planted[]) {
  const rc = join(dir, '.secretlintrc.json')
  writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }))
  const out = join(tmpdir(), `secretlint-${process.pid}.json`)
  // Through sh, whose `times` prints the CPU time of its children: secretlint's own CPU seconds.
  // (secretlint exits 1 when it finds something; sh's status is that of `times`.)
  const script = '"$0" "$@" >/dev/null 2>&1; times'
  const args = ['**/*', '--secretlintrc', rc, '--format', 'json', '--output', out, '--no-color']
  const t0 = performance.now()
  const times = execFileSync('sh', ['-c', script, bin, ...args], { cwd: dir, encoding: 'utf8' })
  const wall = (performance.now() - t0) / 1000
  const children = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(times.trim())
  const cpu = children
    ? Number(children[1]) * 60 + Number(children[2]) + Number(children[3]) * 60 + Number(children[4])
    : Number.NaN
  const results = JSON.parse(readFileSync(out, 'utf8')) as {
    filePath: string
    messages: { loc: { start: { line: number } } }[]
  }[]
  rmSync(out, { force: true })
  const reported = new Set<string>()
  for (const r of results) {
    const file = r.filePath.slice(dir.length + 1)
    for (const m of r.messages) reported.add(`${file}:${m.loc.start.line}`)
  }
  const plantedKeys = new Set(planted.map((p) => `${p.file}:${p.line}`))
  const missed = planted.filter((p) => !reported.has(`${p.file}:${p.line}`))
  return {
    wall,
    cpu,
    found: planted.length - missed.length,
    other: [...reported].filter((k) => !plantedKeys.has(k)).length,
    missedByRule: countBy(missed.map((p) => p.rule)),
  }
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const k of keys) out[k] = (out[k] ?? 0) + 1
  return out
}
