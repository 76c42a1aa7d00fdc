#!/usr/bin/env node
// The `codex-gates` executable (package.json `bin`): parse, run, exit with the command's code.
import { processIo } from '../../foundation/cli/io.ts'
import { runCommand } from '../../foundation/cli/run-command.ts'
import { runMain } from '../../foundation/cli/run-main.ts'
import { codexGates } from './codex-gates.ts'

await runMain((argv) => runCommand(codexGates, argv, processIo()))
