import { defineGateSpec } from '../src/adapters/vitest/gate-spec.ts'

defineGateSpec('python-types')
