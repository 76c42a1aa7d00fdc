import { type SpawnSyncReturns, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import { HUSKY_STUB, speedUpHusky } from '../../../src/foundation/build/husky-runtime.mjs'
import { REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

/** The hooks this project installs; each temp repo gets them the way husky lays them out. */
const HOOKS = ['pre-commit', 'pre-merge-commit', 'post-commit', 'pre-push']

/**
 * A fake AWS access key id, built at run time so this repository's own secrets gate never sees
 * one in the source: `AKIA` + 16 characters of [A-Z2-7] with enough entropy to look real.
 */
export const FAKE_AWS_KEY = ['AK', 'IA', 'QZ7R', 'W2LM', 'X3TP', 'B4NC'].join('')

export interface Run {
  code: number
  stdout: string
  stderr: string
  /** stdout and stderr together. */
  output: string
}

/** A temp git repository with this project's hooks installed and its own ledger. */
export interface HookRepo {
  dir: string
  ledgerPath: string
  env: NodeJS.ProcessEnv
  /** Runs git in the repo (hooks included), stdin closed. */
  git: (args: string[], extraEnv?: Record<string, string>) => Run
  /** Writes a file (string or bytes) under the repo. */
  write: (path: string, content: string | Uint8Array) => void
  read: (path: string) => Buffer
  /** Read-only rows from the repo's ledger. */
  rows: <T = Record<string, unknown>>(sql: string, ...params: unknown[]) => T[]
}

/**
 * `git init` under os.tmpdir() with husky's layout: `hooks/_/h` (husky's runner, which honours
 * HUSKY=0) and `hooks/_/<hook>` stubs, `hooks/<hook>` symlinked to this repository's .husky
 * scripts, `core.hooksPath` pointing at `hooks/_`. Git runs isolated from the user's config, with
 * a fixed identity and the ledger at a temp path.
 */
export function hookRepo(prefix = 'hooks-', options: { huskyAsShipped?: boolean } = {}): HookRepo {
  const base = tempDir(prefix)
  const dir = join(base, 'repo')
  const hooks = join(base, 'hooks')
  mkdirSync(join(hooks, '_'), { recursive: true })
  copyFileSync(join(REPO_ROOT, 'node_modules', 'husky', 'husky'), join(hooks, '_', 'h'))
  for (const hook of HOOKS) {
    writeFileSync(join(hooks, '_', hook), HUSKY_STUB)
    chmodSync(join(hooks, '_', hook), 0o755)
    symlinkSync(join(REPO_ROOT, '.husky', hook), join(hooks, hook))
  }
  if (options.huskyAsShipped !== true) speedUpHusky(join(hooks, '_')) // as scripts/prepare-hooks.mjs leaves it
  for (const launcher of ['launch.mjs', 'launch.cjs'])
    if (existsSync(join(REPO_ROOT, '.husky', launcher)))
      symlinkSync(join(REPO_ROOT, '.husky', launcher), join(hooks, launcher))
  const ledgerPath = join(base, 'ledger.db')
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const name of [
    'HUSKY',
    'SKIP',
    'CODEX_ALLOW_UNGATED',
    'CODEX_GATES_CONFIG',
    'GATES_ROOT',
    'CODEX_HOOK_RUNNER',
  ]) {
    delete env[name]
  }
  for (const name of Object.keys(env)) if (name.startsWith('GIT_')) delete env[name]
  Object.assign(env, {
    CODEX_LEDGER: ledgerPath,
    CODEX_REPORTS: '0',
    NO_COLOR: '1',
    XDG_CONFIG_HOME: base, // no ~/.config/husky/init.sh
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: join(base, 'gitconfig'),
    GIT_AUTHOR_NAME: 'Spec Author',
    GIT_AUTHOR_EMAIL: 'author@example.test',
    GIT_COMMITTER_NAME: 'Spec Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.test',
  })
  writeFileSync(join(base, 'gitconfig'), '')
  const git = (args: string[], extraEnv: Record<string, string> = {}, cwd = dir): Run =>
    toRun(
      spawnSync('git', args, {
        cwd,
        env: { ...env, ...extraEnv },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
        maxBuffer: 256 * 1024 * 1024,
      }),
    )
  mkdirSync(dir)
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['config', 'core.hooksPath', join(hooks, '_')],
    ['config', 'commit.gpgsign', 'false'],
    ['config', 'core.autocrlf', 'false'],
  ]) {
    const r = git(args)
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.output}`)
  }
  return {
    dir,
    ledgerPath,
    env,
    git,
    write: (path, content) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true })
      writeFileSync(join(dir, path), content)
    },
    read: (path) => readFileSync(join(dir, path)),
    rows: <T>(sql: string, ...params: unknown[]) => {
      const db = new Database(ledgerPath, { readonly: true, fileMustExist: true })
      try {
        return db.prepare(sql).all(...params) as T[]
      } finally {
        db.close()
      }
    },
  }
}

/** Everything that must survive a refused or interrupted commit: the index and work tree, as content. */
export function repoState(repo: HookRepo, files: readonly string[]): Record<string, string> {
  const state: Record<string, string> = {
    head: repo.git(['rev-parse', 'HEAD']).stdout,
    index: repo.git(['ls-files', '--stage']).stdout,
    staged: repo.git(['diff', '--cached', '--binary']).stdout,
    unstaged: repo.git(['diff', '--binary']).stdout,
    status: repo.git(['status', '--porcelain=v2', '--untracked-files=all']).stdout,
    stashes: repo.git(['stash', 'list']).stdout,
  }
  for (const f of files) state[`file:${f}`] = repo.read(f).toString('base64')
  return state
}

function toRun(r: SpawnSyncReturns<string>): Run {
  if (r.error) throw r.error
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` }
}
