// The renderer's Content-Security-Policy: our own origin only, no remote content, no inline script.

const DIRECTIVES = [
  "default-src 'none'",
  // wasm-unsafe-eval: MediaPipe's face detector is WebAssembly shipped with the app.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  // Session videos come from our own origin (app://pulse/media/…, or the loopback server's /media/…);
  // mediastream: is the camera preview.
  "media-src 'self' mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
];

/** In the page's <meta> tag: the policy a document may set for itself. */
export const META_CONTENT_SECURITY_POLICY = DIRECTIVES.join('; ');

/** As a response header (both shells send it): also forbids any page of another origin to frame the app. */
export const CONTENT_SECURITY_POLICY = [...DIRECTIVES, "frame-ancestors 'none'"].join('; ');
