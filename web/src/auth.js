// Sign-in with the authorization code flow and PKCE against the OpenID provider named in
// /config.json (Cognito in AWS, the local stack's provider locally: the same code). The
// access token lives in memory only; the refresh token at most in sessionStorage.
import { base64url } from "./format.js";

const PENDING = "flattr.pending";
const REFRESH = "flattr.refresh";
let access = null; // { token, expires }
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

async function tokenRequest(form) {
  const idp = await discover();
  const answer = await fetch(idp.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: idp.client_id, ...form }),
  });
  if (!answer.ok) return null;
  const tokens = await answer.json();
  access = { token: tokens.access_token, expires: Date.now() + tokens.expires_in * 1000 };
  if (tokens.refresh_token) sessionStorage.setItem(REFRESH, tokens.refresh_token);
  return tokens;
}

/** Finish the flow on /signed-in: answers where to go next, or null if it failed. */
export async function finishSignIn(url) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || "null");
  sessionStorage.removeItem(PENDING);
  const code = url.searchParams.get("code");
  if (!pending || !code || url.searchParams.get("state") !== pending.state) return null;
  const tokens = await tokenRequest({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  return tokens ? pending.returnTo : null;
}

/** A valid access token (refreshed when needed), or null when signed out. */
export async function accessToken() {
  if (access && access.expires - Date.now() > 30_000) return access.token;
  const refresh = sessionStorage.getItem(REFRESH);
  if (!refresh) return null;
  const tokens = await tokenRequest({ grant_type: "refresh_token", refresh_token: refresh });
  if (!tokens) sessionStorage.removeItem(REFRESH);
  return tokens ? access.token : null;
}

export async function signOut() {
  const refresh = sessionStorage.getItem(REFRESH);
  access = null;
  sessionStorage.removeItem(REFRESH);
  if (refresh) {
    const idp = await discover();
    // Cognito's discovery may not name it; its revocation endpoint sits beside the token one.
    const revoke = idp.revocation_endpoint || idp.token_endpoint.replace(/\/token$/, "/revoke");
    await fetch(revoke, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ client_id: idp.client_id, token: refresh }),
    });
  }
}
