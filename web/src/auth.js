// Sign-in with the authorization code flow and PKCE against the OpenID provider named in
// /config.json (Cognito in AWS, the local stack's provider locally: the same code). The
// code is exchanged by our API (``POST /v1/session``), which keeps the refresh token in an
// HttpOnly cookie page script cannot read; the access token lives in this page's memory
// only. A reload, a new tab or a restarted browser asks ``/v1/session/refresh`` for one.
import { base64url } from "./format.js";

const PENDING = "flattr.pending";
let access = null; // { token, expires }
let renewing = null; // one renewal at a time, however many calls want a token
let noSession = false; // asked once on this page: nobody is signed in
let provider = null;

async function discover() {
  if (provider) return provider;
  const config = await (await fetch("/config.json")).json();
  const discovery = await (
    await fetch(`${config.authority}/.well-known/openid-configuration`)
  ).json();
  provider = { ...discovery, client_id: config.client_id };
  return provider;
}

function randomText(bytes = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

async function challengeOf(verifier) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

function redirectUri() {
  return `${location.origin}/signed-in`;
}

/** Off to the sign-in page; ``fresh``: sign in again even with a session at the provider
 * (money leaves an account only within minutes of a sign-in with the app's code). */
export async function signIn(returnTo = "/dashboard", { fresh = false } = {}) {
  const idp = await discover();
  const verifier = randomText(48);
  const state = randomText(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: idp.client_id,
    redirect_uri: redirectUri(),
    scope: "openid email aws.cognito.signin.user.admin",
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
    ...(fresh ? { prompt: "login" } : {}),
  });
  location.assign(`${idp.authorization_endpoint}?${params}`);
}

/** Ask our API for an access token (``path``: the session's start or its refresh). */
async function sessionRequest(path, body = undefined) {
  const answer = await fetch(path, {
    method: "POST",
    credentials: "same-origin",
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (answer.status !== 200) return null; // 204: no session here; 401: it has ended
  const tokens = await answer.json();
  access = { token: tokens.access_token, expires: Date.now() + tokens.expires_in * 1000 };
  return tokens;
}

/** Finish the flow on /signed-in: answers where to go next, or null if it failed. */
export async function finishSignIn(url) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  const code = url.searchParams.get("code");
  if (!pending || !code || url.searchParams.get("state") !== pending.state) return null;
  const tokens = await sessionRequest("/v1/session", {
    code,
    code_verifier: pending.verifier,
    redirect_uri: redirectUri(),
  });
  return tokens ? pending.returnTo : null;
}

/** A valid access token (renewed from the session when needed), or null when signed out. */
export async function accessToken() {
  if (access && access.expires - Date.now() > 30_000) return access.token;
  if (noSession) return null;
  if (!renewing) {
    renewing = sessionRequest("/v1/session/refresh").finally(() => {
      renewing = null;
    });
  }
  const tokens = await renewing;
  noSession = !tokens;
  return tokens ? access.token : null;
}

/** Sign out: the session's refresh token is revoked and its cookie forgotten. */
export async function signOut() {
  access = null;
  noSession = true;
  await fetch("/v1/session", { method: "DELETE", credentials: "same-origin" });
}
