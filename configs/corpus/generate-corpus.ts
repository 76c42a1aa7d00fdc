// Writes configs/corpus/fables.txt: original short fables generated from the hand-written
// grammar below with the project's seeded PRNG, so the file is reproducible byte for byte:
//   node_modules/.bin/tsx configs/corpus/generate-corpus.ts
// The text is ours (no third-party source), plain ASCII, about 120 KB.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Prng } from '../../src/foundation/random/prng.ts'

const SEED = 20_241_122
const TARGET_BYTES = 120_000

const ANIMALS = [
  'fox',
  'owl',
  'hare',
  'tortoise',
  'crow',
  'mouse',
  'badger',
  'heron',
  'goat',
  'wolf',
  'sparrow',
  'otter',
  'beetle',
  'lark',
  'mole',
  'deer',
]
const TRAITS = ['old', 'young', 'clever', 'proud', 'patient', 'greedy', 'kind', 'tired', 'curious', 'quiet', 'boastful']
const PLACES = [
  'by the river',
  'at the edge of the wood',
  'under the great oak',
  'on the hill',
  'near the mill',
  'in the meadow',
  'beside the well',
  'among the reeds',
  'behind the barn',
  'on the stony road',
]
const SEASONS = ['In spring', 'One summer morning', 'Late in autumn', 'On a cold winter night', 'After the long rain']
const WANTS = [
  'a basket of ripe plums',
  'the warmest place by the fire',
  'a shiny stone',
  'the last of the honey',
  'a crown of leaves',
  'the fastest path home',
  'a song that no one had heard',
  'a nest high above the ground',
  'seven grains of wheat',
  'the key to the old gate',
]
const ACTIONS = [
  'ran all the way to the top and back',
  'waited three days without a word',
  'asked every neighbour for help',
  'built a bridge of sticks and mud',
  'counted the stars until dawn',
  'hid the prize under a heap of leaves',
  'tried to carry everything at once',
  'shared half with a stranger',
  'laughed at the others and went to sleep',
  'dug a tunnel beneath the fence',
]
const OUTCOMES = [
  'but the path was longer than it looked',
  'and the others came to help in the end',
  'but the wind blew it all away',
  'and by evening the work was done',
  'but nothing was left when morning came',
  'and found more than had been lost',
  'but fell asleep before the finish',
  'and the whole valley learned of it',
]
const MORALS = [
  'Slow and steady work is seldom wasted.',
  'Those who share are rarely alone.',
  'Pride makes a heavy load.',
  'A friend in need is worth a field of gold.',
  'Look before you leap, and listen before you speak.',
  'Little by little, the cup is filled.',
  'Greed counts twice and keeps nothing.',
  'Patience opens more gates than force.',
  'Kind words cost nothing and buy much.',
  'The quiet ones often see the most.',
]
const SAYINGS = [
  'I can do it alone',
  'there is enough for everyone',
  'wait for me',
  'tomorrow will be better',
  'it is not yours to take',
  'let us try together',
  'who goes there',
  'I have never seen such a thing',
]
const VERBS = ['said', 'whispered', 'called', 'replied', 'cried', 'muttered']
const NUMBERS = ['two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'twelve']

function pick<T>(rng: Prng, list: readonly T[]): T {
  return list[rng.nextInt(list.length)] as T
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** "a" or "an" before `word`. */
function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a'
}

function fable(rng: Prng, n: number): string {
  const hero = pick(rng, ANIMALS)
  let other = pick(rng, ANIMALS)
  while (other === hero) other = pick(rng, ANIMALS)
  const trait = pick(rng, TRAITS)
  const title = `${n}. The ${capitalize(trait)} ${capitalize(hero)} and the ${capitalize(other)}`
  const lines = [
    title,
    '',
    `${pick(rng, SEASONS)}, ${article(trait)} ${trait} ${hero} lived ${pick(rng, PLACES)}. More than anything, the ${hero} wanted ${pick(rng, WANTS)}.`,
    `One day the ${hero} met ${article(other)} ${other} ${pick(rng, PLACES)}. "${capitalize(pick(rng, SAYINGS))}," ${pick(rng, VERBS)} the ${other}.`,
    `"${capitalize(pick(rng, SAYINGS))}," ${pick(rng, VERBS)} the ${hero}, and ${pick(rng, ACTIONS)}.`,
    `The ${other} ${pick(rng, ACTIONS)}, ${pick(rng, OUTCOMES)}.`,
    `After ${pick(rng, NUMBERS)} days the ${hero} ${pick(rng, ACTIONS)}, ${pick(rng, OUTCOMES)}.`,
    `Moral: ${pick(rng, MORALS)}`,
    '',
    '',
  ]
  return lines.join('\n')
}

const rng = Prng.fromSeed(SEED)
let text = ''
for (let n = 1; text.length < TARGET_BYTES; n++) text += fable(rng, n)
const out = join(import.meta.dirname, 'fables.txt')
writeFileSync(out, text)
process.stdout.write(`wrote ${out} (${text.length} bytes)\n`)
