// Where the service is: written by build.mjs (SITE=… make extension). The website and the
// API share this one origin.
export const SITE = "https://flattr.example.org";
