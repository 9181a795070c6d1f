// An answer from the network read with a bound: past `maxBytes` the rest is not read (the
// stream is cancelled) and TooLarge is thrown. The endpoints' real answers are a few KB; an
// endpoint or proxy that sends hundreds of MB would otherwise be held in memory whole.
export class TooLarge extends Error {
  override name = 'TooLarge';
}

export async function textWithin(body: AsyncIterable<Uint8Array> | null | undefined, maxBytes: number): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > maxBytes) throw new TooLarge(`more than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
