import { describe, expect, test } from 'vitest'
import { formatSpecifierSet } from '../../../../src/domain/gates/python-deps/pep440-specifier.ts'
import { formatMarker } from '../../../../src/domain/gates/python-deps/pep508-marker.ts'
import { parseRequirementsFile } from '../../../../src/domain/gates/python-deps/requirements-file.ts'

const TEXT = `# training stack
--index-url https://pypi.org/simple
--extra-index-url=https://download.pytorch.org/whl/cu121
-r requirements-base.txt
-c constraints.txt
torch==2.1.0+cu121 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb  # pinned for CUDA 12.1
numpy>=1.24 ; python_version >= "3.9"
Flash_Attn[triton] (>=2.5,<2.7)
# a comment line
-e git+https://github.com/huggingface/datatrove@v0.3.0#egg=datatrove
-e .
./vendor/tokenizers
https://example.org/wheels/sentencepiece-0.2.0-cp311-cp311-linux_x86_64.whl ; sys_platform == "linux"
accelerate @ https://github.com/huggingface/accelerate/archive/refs/tags/v0.30.0.zip
wandb==\${WANDB_VERSION}
transformers==4.40.*\t# fragment#not-a-comment stays in urls only
--require-hashes
`

describe('parseRequirementsFile()', () => {
  const file = parseRequirementsFile(TEXT, 'requirements.txt', { WANDB_VERSION: '0.17.0' })
  const at = (line: number) => file.entries.find((e) => e.line === line)

  test('global options are options, includes are includes, requirements keep their first line', () => {
    expect(file.options).toEqual([
      { name: '--index-url', value: 'https://pypi.org/simple', line: 2 },
      { name: '--extra-index-url', value: 'https://download.pytorch.org/whl/cu121', line: 3 },
      { name: '--require-hashes', value: undefined, line: 19 },
    ])
    expect(file.includes).toEqual([
      { kind: 'requirement', target: 'requirements-base.txt', line: 4 },
      { kind: 'constraint', target: 'constraints.txt', line: 5 },
    ])
    expect(file.entries.map((e) => e.line)).toEqual([6, 9, 10, 12, 13, 14, 15, 16, 17, 18])
    expect(file.problems).toEqual([])
  })

  test('continuation lines join, hashes attach to their requirement, the comment goes', () => {
    const torch = at(6)!
    expect(torch.requirement?.canonical).toBe('torch')
    expect(formatSpecifierSet(torch.requirement!.specifier)).toBe('==2.1.0+cu121')
    expect(torch.hashes).toEqual(['sha256:aaaa', 'sha256:bbbb'])
  })

  test('markers, extras, parenthesised specifiers', () => {
    expect(formatMarker(at(9)!.marker!)).toBe('python_version >= "3.9"')
    expect(at(10)!.requirement).toMatchObject({ canonical: 'flash-attn', extras: ['triton'] })
  })

  test('editables, paths and URLs: named from #egg= or the wheel file name when they can be', () => {
    expect(at(12)).toMatchObject({ form: 'url', editable: true, requirement: { canonical: 'datatrove' } })
    expect(at(13)).toMatchObject({ form: 'path', editable: true, location: '.' })
    expect(at(13)!.requirement).toBeUndefined()
    expect(at(14)).toMatchObject({ form: 'path', location: './vendor/tokenizers' })
    const wheel = at(15)!
    expect(wheel).toMatchObject({ form: 'url', requirement: { canonical: 'sentencepiece' } })
    expect(formatSpecifierSet(wheel.requirement!.specifier)).toBe('==0.2.0')
    expect(formatMarker(wheel.marker!)).toBe('sys_platform == "linux"')
    expect(at(16)).toMatchObject({ form: 'url', requirement: { canonical: 'accelerate' } })
  })

  test('an env var reference expands from the environment; an unset one stays as written', () => {
    expect(formatSpecifierSet(at(17)!.requirement!.specifier)).toBe('==0.17.0')
    const unset = parseRequirementsFile(`wandb==\${WANDB_VERSION}\n`, 'r.txt', {})
    expect(unset.entries).toEqual([])
    expect(unset.problems[0]?.message).toMatch(/not a valid requirement: wandb==\$\{WANDB_VERSION\}/)
  })

  test('a # after whitespace starts a comment', () => {
    expect(at(18)!.text).toBe('transformers==4.40.*')
  })

  test('unknown options and a stray --hash are problems with their line', () => {
    const bad = parseRequirementsFile('--frobnicate\n--hash=sha256:x\ntorch>=\n', 'r.txt')
    expect(bad.problems.map((p) => p.line)).toEqual([1, 2, 3])
    expect(bad.problems[0]!.message).toBe('pip does not know the option --frobnicate')
  })

  test('options shlex cannot split are a problem on their line saying where and how to fix it', () => {
    // A backslash then a space ends no continuation (pip tests the raw line), so shlex gets it last.
    const bad = parseRequirementsFile("numpy\ntorch --hash 'sha256:abc\nscipy --hash=sha256:x \\ \n", 'r.txt')
    expect(bad.entries.map((e) => e.text)).toEqual(['numpy'])
    expect(bad.problems).toEqual([
      {
        line: 2,
        message: `the options "--hash 'sha256:abc" cannot be split (as pip splits them): the ' at character 8 is never closed; add the closing ', or escape the quote as \\' if it is meant literally`,
      },
      {
        line: 3,
        message:
          'the options "--hash=sha256:x \\\\" cannot be split (as pip splits them): it ends in a backslash (character 17) that escapes nothing; drop the final backslash, or double it (\\\\) for a literal backslash',
      },
    ])
  })

  test('a comment line ends a continuation; CRLF files read the same', () => {
    const f = parseRequirementsFile('numpy \\\r\n# why\r\nscipy\r\n', 'r.txt')
    expect(f.entries.map((e) => [e.line, e.text])).toEqual([
      [1, 'numpy'],
      [3, 'scipy'],
    ])
  })
})
