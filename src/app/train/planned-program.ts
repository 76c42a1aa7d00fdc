import type { TrainConfig } from '../../domain/train/config/train-config.ts'
import type { BackendName } from '../../domain/train/executor.ts'
import { checkFitsMemory, machineMemory, programEstimate, stateEstimate } from '../../domain/train/memory-estimate.ts'
import { buildTrainProgram, type TrainProgram } from '../../domain/train/train-step-graph.ts'
import { trainStepSpec } from '../../domain/train/train-step-spec.ts'

/**
 * The step and eval program, built only once the parameters and moments alone are known to fit
 * this machine's memory, then checked with the executor's buffers too (host memory: the ts and
 * ort-cpu backends keep them there). Refuses with both figures before anything is allocated.
 */
export function plannedProgram(config: TrainConfig, vocabSize: number, backend: BackendName): TrainProgram {
  const spec = trainStepSpec(config, vocabSize)
  const machine = machineMemory()
  checkFitsMemory(config, stateEstimate(spec.model, spec.lora), machine)
  const built = buildTrainProgram(spec)
  if (backend !== 'ort-webgpu') checkFitsMemory(config, programEstimate(spec.model, built, spec.lora), machine)
  return built
}
