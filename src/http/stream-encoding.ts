/**
 * What a streamed body may be: gzip or plain bytes. Streams ask for exactly that, gzip is told
 * by its magic bytes (a proxy may decompress a `.gz` body and keep or drop its
 * Content-Encoding), an error answer to a stream is read the same way, and any other coding
 * is refused by name rather than read as rows of garbage.
 */

/** The `Accept-Encoding` of every streamed request. */
export const STREAM_ACCEPT_ENCODING = 'gzip';

/** The bytes start with gzip's magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** A `Content-Encoding` the stream reader reads (none, identity, gzip). */
export function isStreamEncoding(contentEncoding: string | undefined): boolean {
  const encoding = contentEncoding?.trim().toLowerCase();
  return !encoding || encoding === 'identity' || encoding === 'gzip' || encoding === 'x-gzip';
}
