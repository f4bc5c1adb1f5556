import type { NextConfig } from 'next';

// Pages only: the JSON API, OTLP ingest and socket.io are served by the custom
// server (server/main.ts), which hosts Next's request handler.
const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
