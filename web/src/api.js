// The public v1 API, with the signed-in person's access token.
import { accessToken } from "./auth.js";

export async function api(method, path, body = undefined, headers = {}) {
  const token = await accessToken();
  const answer = await fetch(path, {
    method,
    cache: "no-store", // what a page shows is what the API says now, never a cached answer
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = answer.status === 204 ? null : await answer.json().catch(() => ({}));
  return { ok: answer.ok, status: answer.status, data };
}

/** A recipient key as a path segment: ":" and "@" are plain path characters (RFC 3986), kept
 * readable; everything else encoded. */
export function keySegment(key) {
  return encodeURIComponent(key).replaceAll("%3A", ":").replaceAll("%40", "@");
}
