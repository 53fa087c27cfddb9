import { verify, type KeyObject } from 'node:crypto';
import type { Piscina } from 'piscina';
import { workerPool } from '../worker-pool.js';

/**
 * ES256 checks of a whole batch on a worker thread, handed over once. Checking each signature on
 * libuv's thread pool costs the event loop 17–23 µs per message in hand-overs and callbacks (a third
 * of the check itself); one task per batch costs it 1–2 µs (docs/performance.md, ninth round). This
 * module is both the worker's entry (its default export) and the checker's factory.
 */
export interface SignatureCheck {
  key: KeyObject;
  /** The JWS signing input (header.payload), ASCII. */
  input: string;
  /** The raw signature, r ‖ s (IEEE P1363), 64 bytes for ES256. */
  signature: Uint8Array;
}

export interface SignatureChecker {
  /** Whether each signature verifies, in the order given. */
  check(items: readonly SignatureCheck[]): Promise<boolean[]>;
  close(): Promise<void>;
}

/** A batch packed into one transferable buffer: the inputs, then the signatures. */
interface SignatureJob {
  keys: KeyObject[];
  /** Per item: index into `keys`. */
  keyOf: Uint16Array;
  bytes: Uint8Array;
  /** Per item: where its input starts; one more entry marks where the signatures start. */
  starts: Uint32Array;
}

const SIGNATURE_BYTES = 64;

export default function checkSignatures(job: SignatureJob): Uint8Array {
  const n = job.keyOf.length;
  const valid = new Uint8Array(n);
  const signatures = job.starts[n]!;
  for (let i = 0; i < n; i++) {
    const at = signatures + i * SIGNATURE_BYTES;
    valid[i] = verify(
      'sha256',
      job.bytes.subarray(job.starts[i], job.starts[i + 1]),
      { key: job.keys[job.keyOf[i]!]!, dsaEncoding: 'ieee-p1363' },
      job.bytes.subarray(at, at + SIGNATURE_BYTES),
    )
      ? 1
      : 0;
  }
  return valid;
}

function pack(items: readonly SignatureCheck[]): SignatureJob {
  const keys: KeyObject[] = [];
  const keyIndex = new Map<KeyObject, number>();
  const keyOf = new Uint16Array(items.length);
  const starts = new Uint32Array(items.length + 1);
  let length = 0;
  items.forEach((item, i) => {
    if (item.signature.length !== SIGNATURE_BYTES) throw new RangeError('ES256 signatures are 64 bytes');
    let k = keyIndex.get(item.key);
    if (k === undefined) {
      k = keys.push(item.key) - 1;
      keyIndex.set(item.key, k);
    }
    keyOf[i] = k;
    starts[i] = length;
    length += item.input.length;
  });
  starts[items.length] = length;
  const bytes = Buffer.from(new ArrayBuffer(length + items.length * SIGNATURE_BYTES));
  items.forEach((item, i) => {
    bytes.write(item.input, starts[i]!, 'latin1');
    bytes.set(item.signature, length + i * SIGNATURE_BYTES);
  });
  return { keys, keyOf, bytes: new Uint8Array(bytes.buffer), starts };
}

/**
 * Worker threads that check batches of signatures. Threads start on the first batch and stop after a
 * minute without one, so an app that never takes a large batch (tests, a quiet registry) runs none.
 */
export function createSignatureChecker(threads = 2): SignatureChecker {
  let pool: Piscina | null = null;
  return {
    check: async (items) => {
      if (items.length === 0) return [];
      pool ??= workerPool(import.meta.url, { minThreads: 0, maxThreads: threads, idleTimeout: 60_000 });
      const job = pack(items);
      const valid = (await pool.run(job, { transferList: [job.bytes.buffer as ArrayBuffer] })) as Uint8Array;
      return Array.from(valid, (v) => v === 1);
    },
    close: async () => {
      await pool?.destroy();
      pool = null;
    },
  };
}
