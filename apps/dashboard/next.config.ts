import type { NextConfig } from 'next';

// Pages only: the JSON API, OTLP ingest and socket.io are served by the custom
// server (server/main.ts), which hosts Next's request handler.
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  // A separate build directory for a parallel build (e.g. a dev fixture) without touching .next.
  distDir: process.env.FAULTLINE_NEXT_DIST_DIR || '.next',
};

export default nextConfig;
