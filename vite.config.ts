import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { META_CONTENT_SECURITY_POLICY } from './common/csp.ts';

/**
 * The CSP also as a <meta> tag, so the page is locked down whichever shell serves it
 * (frame-ancestors works as a header only).
 */
const cspMeta = (): Plugin => ({
  name: 'pulse-csp-meta',
  transformIndexHtml: () => [
    {
      tag: 'meta',
      attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY },
      injectTo: 'head-prepend',
    },
  ],
});

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte(), cspMeta()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', sourcemap: true },
});
