// Where the service is: written by build.mjs (SITE=… make extension). The website and the
// API share this one origin.
export const SITE = "https://flattr.example.org";
// How long a report waits for others before a request carries it (see outbox.js); a test
// build shortens it (FLUSH_AFTER_SECONDS), as a test stack shortens the thresholds.
export const FLUSH_AFTER_MS = 120_000;
