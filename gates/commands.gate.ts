import { defineConfigGateSpecs } from '../src/adapters/vitest/config-gate-spec.ts'

defineConfigGateSpecs()
