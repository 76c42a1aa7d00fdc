/** The request and frame format's version. */
export declare const PROTOCOL: number
/** Frame type bytes. */
export declare const FRAME: { accepted: number; refused: number; stdout: number; stderr: number; exit: number }
/** One frame: type byte, 32-bit big-endian length, payload. */
export declare function frame(type: number, payload: string | Uint8Array): Buffer
/** Splits a byte stream into frames. */
export declare function frameReader(onFrame: (type: number, payload: Buffer) => void): (chunk: Buffer) => void
