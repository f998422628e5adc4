import { limits } from '../limits.ts';

/**
 * permessage-deflate for the clients that offer it (others get plain frames): frames above the
 * threshold, each compressed on its own (no context takeover) with small zlib windows; see
 * limits.wsCompression* for why these numbers. The gateway and bench/ws-compression.ts both use this.
 */
export const PER_MESSAGE_DEFLATE = {
  threshold: limits.wsCompressionThresholdBytes,
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: limits.wsCompressionWindowBits,
  concurrencyLimit: limits.wsCompressionConcurrency,
  zlibDeflateOptions: {
    level: limits.wsCompressionLevel,
    memLevel: limits.wsCompressionMemLevel,
    chunkSize: limits.wsCompressionChunkBytes,
  },
  zlibInflateOptions: { chunkSize: limits.wsCompressionChunkBytes },
} as const;
