#!/usr/bin/env node
// The `codex-gates` program: parse, run, exit with the command's code. Run from source by tsx; the
// built package bundles it into dist/src/app/cli/main.bundle.cjs, started by the executable
// (bin.ts). No top-level await: the bundle is CommonJS-shaped, for V8's code cache.
import { processIo } from '../../foundation/cli/io.ts'
import { runCommand } from '../../foundation/cli/run-command.ts'
import { runMain } from '../../foundation/cli/run-main.ts'
import { codexGates } from './codex-gates.ts'

void runMain((argv) => runCommand(codexGates, argv, processIo()))
