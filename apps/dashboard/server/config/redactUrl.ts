/**
 * A URL safe to print: userinfo removed, and the values of query parameters
 * (where tokens usually travel, e.g. Slack/Teams-style `?token=`) masked.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '<invalid url>';
  }
  url.username = '';
  url.password = '';
  const keys = [...new Set(url.searchParams.keys())];
  for (const key of keys) url.searchParams.set(key, 'REDACTED');
  return url.toString();
}
