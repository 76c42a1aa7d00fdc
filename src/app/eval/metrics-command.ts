import { METRICS } from '../../domain/eval/metrics.ts'
import { defineCommand } from '../../foundation/cli/define-command.ts'
import { EXIT } from '../../foundation/errors/user-error.ts'

/** `npm run eval -- metrics`: each metric `score --metric` takes, with what it measures. */
export const metricsCommand = defineCommand({
  name: 'metrics',
  summary: 'list the metrics',
  run: ({ io }) => {
    for (const [key, metric] of Object.entries(METRICS)) io.stdout(`${key.padEnd(9)} ${metric.description}\n`)
    return EXIT.ok
  },
})
