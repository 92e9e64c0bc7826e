// The REST API v2 scopes an app asks, as a person reads them (the consent page, the
// account page's apps).

/** What an app may do with the scopes it asks, in a person's words (every token may read
 * the person's profile and flattrs; "thing" grants nothing more here). */
export function scopeLines(scopes, strings) {
  const lines = [strings.scopeRead];
  for (const scope of ["flattr", "extendedread", "email"]) {
    if (scopes.includes(scope)) lines.push(strings.scopeWords[scope]);
  }
  return lines;
}

