import { captureState, type LoopState, startState } from './loop-state.ts'
import { learningRate } from './optim/lr-schedule.ts'
import { allocateFeeds, fillFeeds, type StepFeeds } from './step-feeds.ts'
import { type EvalResult, evaluate, openRun, type RunSetup, type TrainRun } from './train-run.ts'
import type { Checkpointer, TrainState } from './train-state.ts'
import { IO, STEP_GRAPH } from './train-step-graph.ts'

export interface TrainOptions extends RunSetup {
  /** Continue exactly from this state (resume). */
  initialState?: TrainState
  /** Accept an `initialState` whose config hash differs from this config's. */
  allowConfigChange?: boolean
  /** Receives the state every `checkpoint_every` steps and at the end of the run. */
  checkpointer?: Checkpointer
  /** Stop once the global step reaches this (the LR schedule still follows max_iters). */
  maxSteps?: number
  /** Aborting finishes the current step, saves, and returns status `interrupted`. */
  signal?: AbortSignal
}

export interface StepRecord {
  step: number
  loss: number
  lr: number
  gradNorm: number
  tokensPerSecond: number
}

export interface TrainResult {
  status: 'completed' | 'stopped' | 'interrupted'
  /** The state at the end (what the last checkpoint holds). */
  state: TrainState
  steps: StepRecord[]
  evals: EvalResult[]
  /** Tokens per second over the optimizer steps of this call. */
  tokensPerSecond: number
  backend: string
  device: string
}

/**
 * Trains the GPT of `config`: sets the run up (data, program, session), starts from a fresh init
 * or the state to resume, allocates the step's feeds once, then runs the loop. Same config, seed
 * and state → the same bits, whether the run went straight through or was resumed.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const run = await openRun(options)
  try {
    const state = await startState(run, options.initialState, options.allowConfigChange)
    return await trainLoop(run, state, allocateFeeds(run), options)
  } finally {
    run.metrics.close()
    await run.session.dispose()
  }
}

// --- internal ---

/**
 * The loop, top to bottom like nanoGPT's train.py: set LR → eval / checkpoint → micro-steps
 * forward/backward → clip → step → zero grads → log → stop? Clip, step and zero happen inside
 * the one step graph.
 */
async function trainLoop(run: TrainRun, s: LoopState, f: StepFeeds, options: TrainOptions): Promise<TrainResult> {
  const { config } = run
  const startStep = s.step
  const stopAt = Math.min(config.max_iters, options.maxSteps ?? Number.POSITIVE_INFINITY)
  const tokensPerStep = config.gradient_accumulation_steps * config.batch_size * config.block_size
  const steps: StepRecord[] = []
  const evals: EvalResult[] = []
  const trained = { tokens: 0, ms: 0 }
  while (true) {
    // Steps are synchronous compute: yield to the event loop so signals (Ctrl-C) are delivered.
    await new Promise((resolve) => setImmediate(resolve))
    // set LR
    s.lr = learningRate(s.step, config)
    const interrupted = options.signal?.aborted === true
    const stopping = interrupted || s.step >= stopAt

    // eval / checkpoint: a checkpoint carries val metrics only when they were measured at its
    // own step; one saved between evals has none, so `keep_best` never ranks it on a stale value
    let measured: Record<string, number> = {}
    if (!interrupted && (s.step % config.eval_interval === 0 || s.step === config.max_iters)) {
      const ev = await evaluate(run, s.step)
      evals.push(ev)
      if (s.bestMetric === null || ev.loss < s.bestMetric) s.bestMetric = ev.loss
      measured = { 'val/loss': ev.loss, 'val/perplexity': ev.perplexity, 'val/accuracy': ev.accuracy }
      run.emit(s.step, measured)
      run.log(
        `eval step ${s.step} | val loss ${ev.loss.toFixed(4)} | perplexity ${ev.perplexity.toFixed(3)} | accuracy ${ev.accuracy.toFixed(4)}`,
      )
    }
    const checkpointDue =
      s.step > startStep && (stopping || (config.checkpoint_every > 0 && s.step % config.checkpoint_every === 0))
    if (options.checkpointer && checkpointDue) {
      await options.checkpointer.save(await captureState(run, s), {
        ...measured,
        'train/loss': s.lastLoss,
        step: s.step,
      })
    }
    if (stopping) {
      const status = interrupted ? 'interrupted' : s.step >= config.max_iters ? 'completed' : 'stopped'
      return {
        status,
        state: await captureState(run, s),
        steps,
        evals,
        tokensPerSecond: trained.ms > 0 ? (trained.tokens * 1000) / trained.ms : 0,
        backend: run.executor.name,
        device: run.executor.device,
      }
    }

    // micro-steps: next batches and dropout masks, LR and t into the feeds
    fillFeeds(f, s)

    // forward/backward per micro-step, clip, step, zero grads: all inside the step graph
    const started = performance.now()
    const out = await run.session.run(STEP_GRAPH, f.feeds)
    const ms = performance.now() - started
    s.optimizerStep++
    s.step++

    // log
    const loss = out[IO.loss]?.data[0] as number
    const gradNorm = out[IO.gradNorm]?.data[0] as number
    trained.tokens += tokensPerStep
    trained.ms += ms
    s.lastLoss = loss
    const record = { step: s.step, loss, lr: s.lr, gradNorm, tokensPerSecond: (tokensPerStep * 1000) / ms }
    steps.push(record)
    run.emit(s.step, {
      'train/loss': loss,
      'train/lr': s.lr,
      'train/grad_norm': gradNorm,
      'train/tokens_per_s': record.tokensPerSecond,
    })
    if (s.step % config.log_interval === 0 || s.step === 1) {
      run.log(
        `step ${s.step} | loss ${loss.toFixed(4)} | lr ${s.lr.toExponential(2)} | grad norm ${gradNorm.toFixed(3)} | ${record.tokensPerSecond.toFixed(0)} tok/s`,
      )
    }
    // stop? (checked at the top, after the eval and checkpoint of the new step)
  }
}
