// The renderer's Content-Security-Policy: our own origin only, no remote content, no inline script.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  // wasm-unsafe-eval: MediaPipe's face detector is WebAssembly shipped with the app.
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: mediastream:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
