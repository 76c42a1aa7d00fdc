import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { UserError } from '../errors/user-error.ts'

/** sha256 and size of a file, streamed (the file never has to fit in memory). */
export async function hashFile(path: string, what = 'file'): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256')
  let bytes = 0
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      hash.update(chunk)
      bytes += chunk.length
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'EACCES') {
      throw new UserError('DATA_FILE', `cannot read ${what} ${path}: ${code}`, 'check the path in the dataset config')
    }
    throw error
  }
  return { sha256: hash.digest('hex'), bytes }
}
