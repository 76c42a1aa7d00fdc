import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { evalCli } from '../../../src/app/eval/eval-cli.ts'
import { memoryIo } from '../../../src/foundation/cli/io.ts'
import { runCommand } from '../../../src/foundation/cli/run-command.ts'
import { childEnv, REPO_ROOT, tempDir } from '../../support/temp-dir.ts'

function files() {
  const dir = tempDir()
  const write = (name: string, lines: string[]) => {
    writeFileSync(join(dir, name), `${lines.join('\n')}\n`)
    return join(dir, name)
  }
  return {
    dir,
    hyp: write('hyp.txt', ['the cat sat on the mat', 'a b c d']),
    ref1: write('ref1.txt', ['the cat is on the mat', 'a b c d']),
    ref2: write('ref2.txt', ['a cat sat on the mat', 'a b c']),
    short: write('short.txt', ['only one line']),
  }
}

async function run(argv: string[]) {
  const io = memoryIo({ env: process.env })
  const code = await runCommand(evalCli, argv, io)
  return { code, out: io.out }
}

describe('npm run eval -- score', () => {
  test('prints the BLEU line with its signature', async () => {
    const f = files()
    const { code, out } = await run(['score', '--metric', 'bleu', '--hyp', f.hyp, '--ref', f.ref1])
    expect(code).toBe(0)
    // summed stats 9/6/3/1 of 10/8/6/4 (see bleu.spec.ts) → (90·75·50·25)^(1/4) = 53.90
    expect(out).toBe(
      'BLEU|nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:codex-gates-bleu-1 = 53.90 90.0/75.0/50.0/25.0 (BP = 1.000 ratio = 1.000 hyp_len = 10 ref_len = 10)\n',
    )
  })

  test('several references, JSON output, mean of lines for rougeL/f1/em', async () => {
    const f = files()
    const bleu = JSON.parse((await run(['score', '--hyp', f.hyp, '--ref', f.ref1, '--ref', f.ref2, '--json'])).out)
    expect(bleu).toMatchObject({
      name: 'BLEU',
      metric: 'bleu',
      nrefs: 2,
      lines: 2,
      tok: '13a',
      smooth: 'exp',
      case: 'mixed',
    })
    // line 1 "the cat sat on the mat" vs refs "the cat is on the mat" / "a cat sat on the mat":
    //   clipped by the best reference per n-gram: 6/6, 5/5, 3/4 (not "the cat sat"), 2/3 (not "the cat sat on")
    // line 2 "a b c d" equals ref1: 4/4, 3/3, 2/2, 1/1; lengths c = r = 10 → BP 1
    // summed 10/10, 8/8, 5/6, 3/4 → (100 · 100 · (500/6) · 75)^(1/4)
    expect(bleu.score).toBeCloseTo((100 * 100 * (500 / 6) * 75) ** 0.25, 10)
    for (const metric of ['rougeL', 'f1', 'em']) {
      const r = JSON.parse((await run(['score', '--metric', metric, '--hyp', f.hyp, '--ref', f.ref1, '--json'])).out)
      expect(r.mean_of_lines).toEqual(expect.any(Number))
    }
    // em: line 2 matches exactly, line 1 does not → 50
    expect((await run(['score', '--metric', 'em', '--hyp', f.hyp, '--ref', f.ref1])).out).toBe(
      'EM = 50.00 (1/2 lines match)\n',
    )
  })

  test('--per-line writes the score of each line with its hypothesis and references (NDJSON, or CSV by extension)', async () => {
    const f = files()
    const nd = join(f.dir, 'out', 'lines.ndjson')
    const { out } = await run([
      'score',
      '--metric',
      'f1',
      '--hyp',
      f.hyp,
      '--ref',
      f.ref1,
      '--ref',
      f.ref2,
      '--per-line',
      nd,
    ])
    // line 1 "the cat sat on the mat" → [cat sat on mat]; best reference "a cat sat on the mat" → F 1
    // line 2 "a b c d" → [b c d]; ref1 "a b c d" → F 1
    expect(readFileSync(nd, 'utf8')).toBe(
      '{"line":1,"f1":100,"hypothesis":"the cat sat on the mat","references":["the cat is on the mat","a cat sat on the mat"]}\n' +
        '{"line":2,"f1":100,"hypothesis":"a b c d","references":["a b c d","a b c"]}\n',
    )
    expect(out).toBe('F1 = 100.00 (mean of lines; micro F1 = 100.00 P = 100.00 R = 100.00)\n')
    const csv = join(f.dir, 'lines.csv')
    await run(['score', '--metric', 'em', '--hyp', f.hyp, '--ref', f.ref1, '--per-line', csv])
    expect(readFileSync(csv, 'utf8')).toBe(
      'line,em,hypothesis,references\r\n' +
        '1,0,the cat sat on the mat,"[""the cat is on the mat""]"\r\n' +
        '2,100,a b c d,"[""a b c d""]"\r\n',
    )
    await expect(run(['score', '--hyp', f.hyp, '--ref', f.ref1, '--per-line', csv])).rejects.toMatchObject({
      message: '--per-line: BLEU is a corpus statistic with no per-line score',
      exitCode: 2,
    })
    await expect(
      run(['score', '--metric', 'em', '--hyp', f.hyp, '--ref', f.ref1, '--per-line', f.dir]),
    ).rejects.toThrow(`--per-line ${f.dir} is a folder`)
  })

  test('usage errors name the flag, file or count', async () => {
    const f = files()
    await expect(run(['score', '--hyp', f.hyp, '--ref', f.short])).rejects.toThrow(
      `line counts differ: --hyp ${f.hyp} has 2 lines, --ref ${f.short} has 1`,
    )
    await expect(run(['score', '--hyp', f.hyp])).rejects.toThrow(/at least one --ref FILE is required/)
    await expect(run(['score', '--ref', f.ref1])).rejects.toThrow(/--hyp FILE is required/)
    await expect(run(['score', '--metric', 'rouge', '--hyp', f.hyp, '--ref', f.ref1])).rejects.toThrow(
      /no metric named "rouge"/,
    )
    await expect(run(['score', 'extra', '--hyp', f.hyp, '--ref', f.ref1])).rejects.toThrow(
      /unexpected argument "extra"/,
    )
    await expect(run(['nope'])).rejects.toThrow(/unknown command "nope"/)
    writeFileSync(join(f.dir, 'empty.txt'), '')
    await expect(run(['score', '--hyp', join(f.dir, 'empty.txt'), '--ref', f.ref1])).rejects.toThrow(/has no lines/)
  })

  test('help and the metric list', async () => {
    expect(await run(['--help'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('usage: npm run eval -- <command>'),
    })
    expect((await run([])).code).toBe(2)
    expect((await run(['score', '--help'])).code).toBe(0)
    expect((await run(['metrics'])).out).toMatch(/^bleu +corpus BLEU/m)
  })

  test('the script exits 2 on mismatched files and 0 on success', () => {
    const f = files()
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
    const env = childEnv(join(f.dir, 'ledger.db'))
    const bad = spawnSync(tsx, ['scripts/eval.ts', 'score', '--hyp', f.hyp, '--ref', f.short], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
    })
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain(`error: line counts differ: --hyp ${f.hyp} has 2 lines, --ref ${f.short} has 1`)
    expect(bad.stderr).not.toMatch(/\n\s+at /) // no stack for user errors
    const ok = spawnSync(tsx, ['scripts/eval.ts', 'score', '--hyp', f.hyp, '--ref', f.ref1], {
      cwd: REPO_ROOT,
      env,
      encoding: 'utf8',
    })
    expect(ok.status).toBe(0)
    expect(ok.stdout).toMatch(/^BLEU\|nrefs:1\|.* = 53\.90 /)
  }, 30_000)

  test('a binary or non-UTF-8 file exits 2 naming it, the line and the byte offset; a BOM does not shift line 1', () => {
    const f = files()
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx')
    const env = childEnv(join(f.dir, 'ledger.db'))
    const score = (hyp: string) =>
      spawnSync(tsx, ['scripts/eval.ts', 'score', '--metric', 'em', '--hyp', hyp, '--ref', f.ref1], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
      })
    const binary = join(f.dir, 'model.bin')
    writeFileSync(binary, Buffer.from([0x74, 0x68, 0x65, 0x0a, 0x00, 0x01, 0x02, 0x0a]))
    const bin = score(binary)
    expect(bin.stderr).toBe(
      `error: --hyp ${binary}: a NUL byte at line 2 (byte offset 4): a binary file, not line-aligned text\n` +
        '  hint: pass the UTF-8 text file with one segment per line\n',
    )
    expect(bin.status).toBe(2)
    const latin1 = join(f.dir, 'latin1.txt')
    writeFileSync(latin1, Buffer.from('the cat is on the mat\nna\xefve\n', 'latin1'))
    const bad = score(latin1)
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain(`error: --hyp ${latin1}: not valid UTF-8 at line 2 (byte offset 24, byte 0xEF)`)
    const bom = join(f.dir, 'bom.txt')
    writeFileSync(bom, '\uFEFFthe cat is on the mat\na b c d\n')
    const ok = score(bom)
    expect(ok.stderr).toBe('')
    expect(ok.stdout).toBe('EM = 100.00 (2/2 lines match)\n')
  }, 30_000)
})
