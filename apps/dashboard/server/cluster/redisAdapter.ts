import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import type { Server as SocketServer } from 'socket.io';
import { redactUrl } from '../config/redactUrl';

export interface RedisLink {
  close(): Promise<void>;
}

/**
 * Join this instance's socket.io server to the others through Redis pub/sub
 * (the official socket.io Redis adapter): room broadcasts reach browsers
 * connected to any instance, and `serverSideEmit` reaches the other servers.
 * Resolves once both connections are up, so a wrong REDIS_URL fails the start
 * instead of silently running alone.
 */
export async function linkThroughRedis(io: SocketServer, url: string, prefix = 'faultline'): Promise<RedisLink> {
  const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  const sub = pub.duplicate();
  const report = (which: string) => (err: Error) => console.error(`[faultline] redis ${which}: ${err.message}`);
  pub.on('error', report('publisher'));
  sub.on('error', report('subscriber'));
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (err) {
    pub.disconnect();
    sub.disconnect();
    throw new Error(`cannot connect to REDIS_URL ${redactUrl(url)}: ${(err as Error).message}`);
  }
  io.adapter(createAdapter(pub, sub, { key: prefix }));
  return {
    async close() {
      await Promise.allSettled([pub.quit(), sub.quit()]);
    },
  };
}
