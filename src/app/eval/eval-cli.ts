import { defineCommand, lazyCommand } from '../../foundation/cli/define-command.ts'
import { movedCommand } from '../../foundation/cli/moved-command.ts'

/**
 * `npm run eval -- <command>`: scoring model outputs. Dataset preparation moved to
 * `npm run train -- prepare`; its old spelling here answers with the new one (exit 2).
 */
export const evalCli = defineCommand({
  name: 'npm run eval --',
  summary: 'score model outputs against references (BLEU, ROUGE-L, F1, EM, accuracy)',
  subcommands: {
    score: lazyCommand(
      'score line-aligned hypotheses against one or more reference files',
      async () => (await import('./score-command.ts')).scoreCommand,
    ),
    metrics: lazyCommand('list the metrics', async () => (await import('./metrics-command.ts')).metricsCommand),
    prepare: movedCommand('prepare', 'npm run train -- prepare'),
  },
  examples: ['score --metric bleu --hyp out.txt --ref ref1.txt --ref ref2.txt', 'metrics'],
})
