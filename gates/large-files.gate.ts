import { defineGateSpec } from '../src/gates/gate-spec.ts'

defineGateSpec('large-files')
