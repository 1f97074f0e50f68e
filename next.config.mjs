/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  devIndicators: false,
  // Native or ESM-only server packages are loaded by Node at run time instead of bundled.
  serverExternalPackages: ['better-sqlite3', 'music-metadata', 'pino', 'pino-pretty', 'xxhash-wasm', 'chokidar', 'sharp'],
  // The worker owns the filesystem; Next must not trace the data folder or test fixtures.
  outputFileTracingExcludes: { '*': ['data/**', 'e2e/**'] },
};

export default nextConfig;
