// The renderer's Content-Security-Policy: our own origin only, no remote content, no inline script.

export const CONTENT_SECURITY_POLICY = [
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
  // No page of another origin may frame the app (clickjacking); sent as a header, where it takes effect.
  "frame-ancestors 'none'",
].join('; ');
