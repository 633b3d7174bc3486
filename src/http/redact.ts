const MIN_SECRET_LENGTH = 6;

/** Replace every occurrence of a current secret with `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Header names whose values are never shown anywhere. */
export const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|kalshi-access-signature|kalshi-access-key|x-api-key|idempotency-key)$/i;

export function redactHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = SECRET_HEADER.test(k) ? '[redacted]' : String(v);
  return out;
}
