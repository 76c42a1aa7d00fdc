import type { LineCounter, Node, YAMLMap } from 'yaml'
import { UserError } from '../../../foundation/errors/user-error.ts'
import { ALL_TAGS } from './all-tags.ts'
import { yamlLib } from './parser-libs.ts'
import { compilePythonRegex, PythonRegexError } from './python-regex.ts'
import { splitHookEntry } from './split-entry.ts'

/** pre-commit's hook stages (`manual` is run by no git hook). */
export const STAGES = [
  'commit-msg',
  'post-checkout',
  'post-commit',
  'post-merge',
  'post-rewrite',
  'pre-commit',
  'pre-merge-commit',
  'pre-push',
  'pre-rebase',
  'prepare-commit-msg',
  'manual',
] as const

/** pre-commit's language names, after its `system` → `unsupported`, `script` → `unsupported_script` renames. */
export const LANGUAGES = [
  'conda',
  'coursier',
  'dart',
  'docker',
  'docker_image',
  'dotnet',
  'fail',
  'golang',
  'haskell',
  'julia',
  'lua',
  'node',
  'perl',
  'pygrep',
  'python',
  'r',
  'ruby',
  'rust',
  'swift',
  'unsupported',
  'unsupported_script',
] as const

/** The hook fields pre-commit knows (a config hook may set any of them; `id` always). */
export interface HookFields {
  name: string
  entry: string
  language: string
  alias: string
  files: string
  exclude: string
  types: string[]
  types_or: string[]
  exclude_types: string[]
  additional_dependencies: string[]
  args: string[]
  always_run: boolean
  fail_fast: boolean
  pass_filenames: boolean
  description: string
  language_version: string
  log_file: string
  minimum_pre_commit_version: string
  require_serial: boolean
  stages: string[]
  verbose: boolean
}

/** One hook as the config states it: overrides on top of the repository's manifest (all of it for local). */
export interface ConfigHook {
  /** Repository URL, or `local` / `meta`. */
  repo: string
  rev: string | null
  id: string
  /** 1-based line of the hook's entry in the YAML. */
  line: number
  /** The fields the config sets, stages already mapped to current names. */
  fields: Partial<HookFields>
}

/** A `.pre-commit-config.yaml`, validated, with pre-commit's top-level defaults applied. */
export interface PreCommitConfig {
  file: string
  hooks: ConfigHook[]
  files: string // default ''
  exclude: string // default '^$'
  fail_fast: boolean // default false
  default_stages: string[] // default: every stage
  /** What pre-commit would log as warnings (unknown keys, legacy stage names, mutable revs, …). */
  warnings: string[]
}

/** Defaults pre-commit gives a hook field the manifest leaves out (clientlib's MANIFEST_HOOK_DICT). */
export const HOOK_DEFAULTS: Omit<HookFields, 'name' | 'entry' | 'language'> = {
  alias: '',
  files: '',
  exclude: '^$',
  types: ['file'],
  types_or: [],
  exclude_types: [],
  additional_dependencies: [],
  args: [],
  always_run: false,
  fail_fast: false,
  pass_filenames: true,
  description: '',
  language_version: 'default',
  log_file: '',
  minimum_pre_commit_version: '0',
  require_serial: false,
  stages: [],
  verbose: false,
}

/**
 * Parses and validates a `.pre-commit-config.yaml` as pre-commit 3/4 does: YAML 1.1 (PyYAML's
 * `yes`/`on` booleans), unknown keys and deprecated names as warnings, wrong types and bad regexes
 * or type tags as a UserError naming the file, the hook and the field. `file` names the file in
 * messages.
 */
export function readPreCommitConfig(text: string, file = '.pre-commit-config.yaml'): PreCommitConfig {
  const lineCounter = new (yamlLib().LineCounter)()
  const doc = yamlLib().parseDocument(text, { version: '1.1', lineCounter, uniqueKeys: false, prettyErrors: false })
  const [yamlError] = doc.errors
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line
    throw new UserError(
      'PRE_COMMIT_CONFIG',
      `${file}${line ? `:${line}` : ''}: not valid YAML: ${yamlError.message}`,
      `fix the YAML syntax; \`pre-commit validate-config ${file}\` shows the same error`,
    )
  }
  const ctx: Ctx = new Ctx(file, lineCounter)
  const root = doc.contents
  if (!yamlLib().isMap(root)) ctx.fail(root, 'the top level', 'expected a mapping with a `repos` list')

  const warnings: string[] = []
  const rootKeys = keysOf(root)
  const extra = rootKeys.filter((k) => !ROOT_KEYS.has(k))
  if (extra.length > 0) warnings.push(`Unexpected key(s) present at root: ${extra.join(', ')}`)

  const reposNode = root.get('repos', true) as Node | undefined
  if (reposNode === undefined) ctx.fail(root, 'the top level', 'missing required key `repos`')
  if (!yamlLib().isSeq(reposNode)) ctx.fail(reposNode, '`repos`', 'expected a list of repositories')

  const files = ctx.regex(root, 'files', 'top-level', '')
  const exclude = ctx.regex(root, 'exclude', 'top-level', '^$')
  const failFast = ctx.bool(root, 'fail_fast', 'top-level') ?? false
  const defaultStagesRaw = ctx.stringList(root, 'default_stages', 'top-level')
  const legacyDefault = (defaultStagesRaw ?? []).filter((s) => Object.hasOwn(LEGACY_STAGES, s))
  if (legacyDefault.length > 0) {
    warnings.push(
      `top-level \`default_stages\` uses deprecated stage names (${legacyDefault.join(', ')}) which will be removed in a future version.  run: \`pre-commit migrate-config\` to automatically fix this.`,
    )
  }
  const defaultStages = defaultStagesRaw
    ? ctx.stages(root, 'default_stages', 'top-level', defaultStagesRaw)
    : [...STAGES]
  for (const key of ['files', 'exclude'] as const) warnings.push(...regexWarnings(root.get(key), key, null))

  const hooks: ConfigHook[] = []
  for (const repoNode of reposNode.items) {
    if (!yamlLib().isMap(repoNode))
      ctx.fail(repoNode as Node, 'a `repos` entry', 'expected a mapping with `repo` and `hooks`')
    const repo = ctx.string(repoNode, 'repo', 'a `repos` entry')
    if (repo === undefined) ctx.fail(repoNode, 'a `repos` entry', 'missing required key `repo`')
    const where = `repo ${repo}`
    const remote = repo !== 'local' && repo !== 'meta'
    const rev = ctx.string(repoNode, 'rev', where) ?? null
    if (remote && rev === null) ctx.fail(repoNode, where, 'missing required key `rev`')
    if (!remote && rev !== null) ctx.fail(repoNode.get('rev', true) as Node, where, 'expected `rev` to be absent')
    if (remote && rev !== null && !rev.includes('.') && !/^[a-fA-F0-9]+$/.test(rev)) {
      warnings.push(
        `The 'rev' field of repo '${repo}' appears to be a mutable reference (moving tag / branch).  Mutable references are never updated after first install and are not supported.`,
      )
    }
    const repoExtra = keysOf(repoNode).filter((k) => k !== 'repo' && k !== 'rev' && k !== 'hooks')
    if (repoExtra.length > 0) warnings.push(`Unexpected key(s) present on ${repo}: ${repoExtra.join(', ')}`)
    const hooksNode = repoNode.get('hooks', true) as Node | undefined
    if (hooksNode === undefined) ctx.fail(repoNode, where, 'missing required key `hooks`')
    if (!yamlLib().isSeq(hooksNode)) ctx.fail(hooksNode, `${where} \`hooks\``, 'expected a list of hooks')
    for (const hookNode of hooksNode.items) {
      hooks.push(ctx.hook(hookNode as Node, repo, rev, warnings))
    }
  }
  return { file, hooks, files, exclude, fail_fast: failFast, default_stages: defaultStages, warnings }
}

// --- internal ---

const ROOT_KEYS = new Set([
  'repos',
  'default_install_hook_types',
  'default_language_version',
  'default_stages',
  'files',
  'exclude',
  'fail_fast',
  'minimum_pre_commit_version',
  'ci',
])

const LEGACY_STAGES: Record<string, string> = {
  commit: 'pre-commit',
  'merge-commit': 'pre-merge-commit',
  push: 'pre-push',
}

const STRING_FIELDS = [
  'name',
  'entry',
  'language',
  'alias',
  'files',
  'exclude',
  'description',
  'language_version',
  'log_file',
  'minimum_pre_commit_version',
] as const
const LIST_FIELDS = ['types', 'types_or', 'exclude_types', 'additional_dependencies', 'args', 'stages'] as const
const BOOL_FIELDS = ['always_run', 'fail_fast', 'pass_filenames', 'require_serial', 'verbose'] as const
const HOOK_KEYS = new Set<string>(['id', ...STRING_FIELDS, ...LIST_FIELDS, ...BOOL_FIELDS])
const META_HOOKS = new Set(['check-hooks-apply', 'check-useless-excludes', 'identity'])

function keysOf(map: YAMLMap): string[] {
  return map.items.map((pair) => String(yamlLib().isScalar(pair.key) ? pair.key.value : pair.key))
}

function describe(node: Node | undefined): string {
  if (node === undefined) return 'nothing'
  if (yamlLib().isMap(node)) return 'a mapping'
  if (yamlLib().isSeq(node)) return 'a list'
  if (yamlLib().isScalar(node))
    return node.value === null ? 'null' : `${typeof node.value} ${JSON.stringify(node.value)}`
  return 'an alias'
}

/** pre-commit's warnings for a regex that looks like a glob or spells out a slash class. */
function regexWarnings(value: unknown, key: string, hookId: string | null): string[] {
  if (typeof value !== 'string') return []
  const out: string[] = []
  const field = hookId === null ? `top-level '${key}' field` : `'${key}' field in hook '${hookId}'`
  if (value.includes('/*')) {
    out.push(`The ${field} is a regex, not a glob -- matching '/*' probably isn't what you want here`)
  }
  for (const slash of ['[\\/]', '[\\\\/]', '[/\\\\]']) {
    if (value.includes(slash)) {
      out.push(`pre-commit normalizes slashes in the ${field} to forward slashes, so you can use / instead of ${slash}`)
    }
  }
  return out
}

class Ctx {
  constructor(
    private readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  lineOf(node: Node | undefined): number {
    const start = node?.range?.[0]
    return start === undefined ? 1 : this.lines.linePos(start).line
  }

  fail(node: Node | undefined | null, where: string, problem: string): never {
    throw new UserError(
      'PRE_COMMIT_CONFIG',
      `${this.file}:${this.lineOf(node ?? undefined)}: ${where}: ${problem}`,
      `fix that entry of ${this.file} (pre-commit's config reference: https://pre-commit.com/#plugins)`,
    )
  }

  private scalar(map: YAMLMap, key: string): { node: Node | undefined; value: unknown } {
    const node = map.get(key, true) as Node | undefined
    return { node, value: yamlLib().isScalar(node) ? node.value : node === undefined ? undefined : node }
  }

  string(map: YAMLMap, key: string, where: string): string | undefined {
    const { node, value } = this.scalar(map, key)
    if (node === undefined) return undefined
    if (typeof value !== 'string')
      this.fail(node, `${where} field \`${key}\``, `expected a string, got ${describe(node)}`)
    return value
  }

  bool(map: YAMLMap, key: string, where: string): boolean | undefined {
    const { node, value } = this.scalar(map, key)
    if (node === undefined) return undefined
    if (typeof value !== 'boolean')
      this.fail(node, `${where} field \`${key}\``, `expected true or false, got ${describe(node)}`)
    return value
  }

  stringList(map: YAMLMap, key: string, where: string): string[] | undefined {
    const node = map.get(key, true) as Node | undefined
    if (node === undefined) return undefined
    if (!yamlLib().isSeq(node))
      this.fail(node, `${where} field \`${key}\``, `expected a list of strings, got ${describe(node)}`)
    return node.items.map((item) => {
      const value = yamlLib().isScalar(item) ? item.value : undefined
      if (typeof value !== 'string') {
        this.fail(
          item as Node,
          `${where} field \`${key}\``,
          `expected a list of strings, found ${describe(item as Node)}`,
        )
      }
      return value
    })
  }

  regex(map: YAMLMap, key: string, where: string, fallback: string): string {
    const value = this.string(map, key, where)
    if (value === undefined) return fallback
    try {
      compilePythonRegex(value)
    } catch (error) {
      if (!(error instanceof PythonRegexError)) throw error
      this.fail(
        map.get(key, true) as Node,
        `${where} field \`${key}\``,
        `${error.reason} (pattern ${JSON.stringify(value)})`,
      )
    }
    return value
  }

  stages(map: YAMLMap, key: string, where: string, raw: string[]): string[] {
    return raw.map((s) => {
      const stage = LEGACY_STAGES[s] ?? s
      if (!(STAGES as readonly string[]).includes(stage)) {
        this.fail(
          map.get(key, true) as Node,
          `${where} field \`${key}\``,
          `${JSON.stringify(s)} is not a stage; expected one of ${STAGES.join(', ')}`,
        )
      }
      return stage
    })
  }

  hook(node: Node, repo: string, rev: string | null, warnings: string[]): ConfigHook {
    if (!yamlLib().isMap(node))
      this.fail(node, `repo ${repo} \`hooks\``, `expected a mapping with an \`id\`, got ${describe(node)}`)
    const id = this.string(node, 'id', `a hook of repo ${repo}`)
    if (id === undefined) this.fail(node, `a hook of repo ${repo}`, 'missing required key `id`')
    const where = `hook ${id} (repo ${repo})`
    const fields: Partial<HookFields> = {}
    for (const key of STRING_FIELDS) {
      const value =
        key === 'files' || key === 'exclude' ? this.regexOrUndefined(node, key, where) : this.string(node, key, where)
      if (value !== undefined) fields[key] = value
    }
    for (const key of BOOL_FIELDS) {
      const value = this.bool(node, key, where)
      if (value !== undefined) fields[key] = value
    }
    for (const key of LIST_FIELDS) {
      const value = this.stringList(node, key, where)
      if (value === undefined) continue
      if (key === 'types' || key === 'types_or' || key === 'exclude_types') {
        const unknown = value.find((t) => !ALL_TAGS.has(t))
        if (unknown !== undefined) {
          this.fail(
            node.get(key, true) as Node,
            `${where} field \`${key}\``,
            `Type tag '${unknown}' is not recognized.  Try upgrading identify and pre-commit?`,
          )
        }
      }
      if (key === 'stages') {
        const legacy = value.filter((s) => Object.hasOwn(LEGACY_STAGES, s))
        if (legacy.length > 0) {
          warnings.push(
            `hook id \`${id}\` uses deprecated stage names (${legacy.join(', ')}) which will be removed in a future version.  run: \`pre-commit migrate-config\` to automatically fix this.`,
          )
        }
        fields.stages = this.stages(node, key, where, value)
      } else {
        fields[key] = value
      }
    }
    if (fields.language !== undefined) {
      const lang =
        fields.language === 'system'
          ? 'unsupported'
          : fields.language === 'script'
            ? 'unsupported_script'
            : fields.language
      if (!(LANGUAGES as readonly string[]).includes(lang)) {
        this.fail(
          node.get('language', true) as Node,
          `${where} field \`language\``,
          `${JSON.stringify(fields.language)} is not a pre-commit language; expected one of system, script, ${LANGUAGES.join(', ')}`,
        )
      }
      fields.language = lang
    }
    if (repo === 'local') {
      for (const key of ['name', 'entry', 'language'] as const) {
        if (fields[key] === undefined)
          this.fail(node, where, `missing required key \`${key}\` (a local hook defines itself)`)
      }
    }
    if (repo === 'meta') {
      if (!META_HOOKS.has(id)) this.fail(node, where, `expected id to be one of ${[...META_HOOKS].join(', ')}`)
      if (fields.entry !== undefined) this.fail(node.get('entry', true) as Node, where, "'entry' cannot be overridden")
    }
    if (fields.entry !== undefined) {
      // pre-commit would only fail when it runs the hook, with shlex's bare ValueError: say it here.
      splitHookEntry(fields.entry, { file: this.file, line: this.lineOf(node.get('entry', true) as Node), id, repo })
    }
    const extra = keysOf(node).filter((k) => !HOOK_KEYS.has(k))
    if (extra.length > 0) warnings.push(`Unexpected key(s) present on ${repo} => ${id}: ${extra.sort().join(', ')}`)
    for (const key of ['files', 'exclude'] as const) warnings.push(...regexWarnings(fields[key], key, id))
    return { repo, rev, id, line: this.lineOf(node), fields }
  }

  private regexOrUndefined(map: YAMLMap, key: string, where: string): string | undefined {
    return map.get(key, true) === undefined ? undefined : this.regex(map, key, where, '')
  }
}
