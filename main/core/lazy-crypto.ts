// node:crypto, loaded on first use. Loading it costs 4-6 ms of a CLI start-up (measured with
// Node 24), and `authbar status` in the common case needs no hash or random bytes at all.
export function crypto(): typeof import('node:crypto') {
  return process.getBuiltinModule('node:crypto');
}
