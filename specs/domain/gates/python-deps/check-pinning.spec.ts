import { describe, expect, test } from 'vitest'
import { checkPinning } from '../../../../src/domain/gates/python-deps/check-pinning.ts'
import { brief, fixtureProject, memoryProject } from './_load.ts'

const REQUIREMENTS = `torch==2.3.0
numpy
scipy<2
pandas>=2.0
transformers~=4.40.0
hf-doc-builder @ git+https://github.com/huggingface/doc-builder.git@main
accelerate @ git+https://github.com/huggingface/accelerate@v0.30.1
-e ./local/pkg
tqdm
`

describe('checkPinning()', () => {
  test('ml-repo: the unpinned torch and open-ended numpy of requirements.txt, nothing else (the pyproject is locked)', () => {
    const issues = checkPinning(fixtureProject('ml-repo'), 'application', {})
    expect(brief(issues)).toEqual(['error unpinned requirements.txt:5', 'error open-ended requirements.txt:6'])
    expect(issues[0]!.message).toBe('torch has no version constraint: each install may get a different version')
    expect(issues[1]!.remediation).toMatch(/pin it \(numpy==<version you test with>\)/)
  })

  test('application policy, one line per kind of declaration; allow_unpinned exempts', () => {
    const project = memoryProject({ 'requirements.txt': REQUIREMENTS })
    expect(brief(checkPinning(project, 'application', { tqdm: 'pinned by the base image' }))).toEqual([
      'error unpinned requirements.txt:2',
      'error unpinned requirements.txt:3',
      'error open-ended requirements.txt:4',
      'warn not-exact requirements.txt:5',
      'error unpinned-vcs requirements.txt:6',
    ])
  })

  test('application dev groups warn instead of failing; a -c pin covers a requirement', () => {
    const project = memoryProject({
      'pyproject.toml': '[project]\nname = "app"\ndependencies = ["torch"]\n[dependency-groups]\ndev = ["pytest"]\n',
      'requirements.txt': '-c constraints.txt\nnumpy\nscipy\n',
      'constraints.txt': 'numpy==1.26.4\n',
    })
    expect(brief(checkPinning(project, 'application', {}))).toEqual([
      'error unpinned pyproject.toml:3',
      'warn unpinned pyproject.toml:5',
      'error unpinned requirements.txt:3',
    ])
  })

  test('library policy: info notes on runtime declarations only, recipe notes for requirements files', () => {
    const project = memoryProject({
      'pyproject.toml': `[project]
name = "lib"
dependencies = ["torch>=2", "numpy<2", "safetensors", "tokenizers==0.19.1", "x @ git+https://g.com/o/x", "ok>=1,<2"]
[project.optional-dependencies]
gpu = ["flash-attn"]
[dependency-groups]
dev = ["pytest"]
`,
      'examples/requirements.txt': 'datasets\ntransformers==4.40.2\n',
    })
    const issues = checkPinning(project, 'library', {})
    expect(issues.map((i) => `${i.severity} ${i.rule} ${i.file}:${i.line} ${i.identity.split(':')[1]}`)).toEqual([
      'info open-ended pyproject.toml:3 torch',
      'info unpinned pyproject.toml:3 numpy',
      'info unpinned pyproject.toml:3 safetensors',
      'info exact-pin-in-library pyproject.toml:3 tokenizers',
      'info unpinned-vcs pyproject.toml:3 x',
      'info unpinned pyproject.toml:5 flash-attn',
      'info unpinned examples/requirements.txt:1 datasets',
    ])
  })

  test('the project itself (`lib[extra]` inside its own extras) is never a finding', () => {
    const project = memoryProject({
      'pyproject.toml': '[project]\nname = "My_Lib"\n[project.optional-dependencies]\nall = ["my-lib[gpu]"]\n',
    })
    expect(checkPinning(project, 'application', {})).toEqual([])
  })
})
