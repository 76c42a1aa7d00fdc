// The public surface of codex-gates, for code that builds on it (custom gates, training
// scripts, dashboards). CLIs and specs import modules directly.

export { default as LedgerReporter } from './adapters/reporter/ledger-reporter.ts'
export { CheckpointManager } from './domain/checkpoint/checkpoint-manager.ts'
export { readSafetensors } from './domain/checkpoint/read-safetensors.ts'
export { writeSafetensors } from './domain/checkpoint/write-safetensors.ts'
export type { CommandGateConfig, GateStage } from './domain/gates/command/command-config.ts'
export { runCommandGate } from './domain/gates/command/run-command-gate.ts'
export type { ConfigGateRun } from './domain/gates/config-gate-run.ts'
export { configGates, runConfigGates } from './domain/gates/config-gates.ts'
export type { Gate, ScanResult } from './domain/gates/gate.ts'
export {
  type PreCommitConversion,
  preCommitToGatesConfig,
} from './domain/gates/pre-commit/pre-commit-to-gates-config.ts'
export { readPreCommitConfig } from './domain/gates/pre-commit/read-pre-commit-config.ts'
export { GATES, loadGate } from './domain/gates/registry.ts'
export { renderAfterRun } from './domain/report/render-after-run.ts'
export { train } from './domain/train/train.ts'
export type { Checkpointer, TrainState } from './domain/train/train-state.ts'
export { EXIT, UserError } from './foundation/errors/user-error.ts'
export { writeFileAtomic } from './foundation/fs/write-file-atomic.ts'
export { MissingDependencyError } from './foundation/optional/missing-dependency-error.ts'
export { loadOptional } from './foundation/optional/optional-import.ts'
export { maskSecret, redactText, redactValue } from './foundation/redact/redact.ts'
export { Ledger } from './ledger/ledger.ts'
export { type LedgerMeta, recordToLedger } from './ledger/ledger-meta.ts'
export { DEFAULT_LEDGER_PATH, resolveLedgerPath } from './ledger/ledger-path.ts'
export { openLedger } from './ledger/open-ledger.ts'
export type { LedgerRecord, LedgerRow, LedgerTable } from './ledger/records.ts'
