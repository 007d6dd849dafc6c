import { Cluster, type Redis } from "ioredis";
import type { Logger } from "../lib/log";
import type { RedisClient } from "./redis";

/** What one channel's owner hears from the subscriber connection. */
export interface ChannelListener {
  onMessage(message: string): void;
  /** Subscribed, at start or again after a drop: anything published before this may have been missed. */
  onSubscribed(): void;
  /** The subscription is gone: what is published from now on is missed until the next onSubscribed. */
  onLost(): void;
}

export interface Subscriber {
  close(): void;
}

/**
 * Redis does not prefix channels with the key prefix; this does, so that deployments (and test runs) sharing
 * one Redis never hear each other.
 */
export const channelName = (keyPrefix: string, name: string) => `${keyPrefix}${name}`;

// A half-open link (a peer that vanished without closing) is found by a PING that goes unanswered within the
// connection's command timeout: what was published meanwhile is not trusted once it is found.
const HEARTBEAT_MS = 1000;
const reopenDelay = (attempt: number) => Math.min(100 * 2 ** attempt, 2000);

/**
 * A connection of its own (subscribed connections take no other commands), never reconnected in place: each
 * drop ends it, tells the listeners, and a new one is opened. A plain server or Sentinel setup is duplicated
 * (Sentinels are asked for the master again); on a Cluster a node is picked from the ones the client knows,
 * since PUBLISH reaches every node of a cluster.
 */
function openConnection(redis: RedisClient): Redis | null {
  const own = { retryStrategy: () => null, autoResubscribe: false, enableOfflineQueue: true, lazyConnect: false } as const;
  if (!(redis instanceof Cluster)) return redis.duplicate(own);
  const nodes = redis.nodes("all");
  const node = nodes[Math.floor(Math.random() * nodes.length)];
  return node ? node.duplicate({ ...own, keyPrefix: undefined, readOnly: false }) : null;
}

/** Subscribes to each channel of `listeners` on one connection, and keeps it subscribed until close(). */
export function subscribeChannels(redis: RedisClient, listeners: Record<string, ChannelListener>, log: Logger): Subscriber {
  const channels = Object.keys(listeners);
  let connection: Redis | null = null;
  let subscribed = false;
  let closed = false;
  let attempt = 0;
  let reopen: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  const lose = (conn: Redis) => {
    clearInterval(heartbeat);
    if (connection !== conn) return;
    connection = null;
    if (subscribed) {
      subscribed = false;
      // Closing on purpose (shutting down) is no outage.
      if (!closed) log.warn("redis subscription lost: every request asks Redis until it is back", { channels: channels.length });
      for (const listener of Object.values(listeners)) listener.onLost();
    }
    if (!closed) reopen = setTimeout(open, reopenDelay(attempt++));
  };

  function open() {
    if (closed) return;
    const conn = openConnection(redis);
    if (!conn) return void (reopen = setTimeout(open, reopenDelay(attempt++)));
    connection = conn;
    // Errors end in "close" (no retry strategy), which is what counts; the main client logs outages.
    conn.on("error", () => {});
    conn.on("message", (channel: string, message: string) => listeners[channel]?.onMessage(message));
    conn.once("close", () => lose(conn));
    conn.once("ready", async () => {
      try {
        // The reply means Redis delivers to this connection every message published from now on.
        await conn.subscribe(...channels);
      } catch {
        return void conn.disconnect();
      }
      if (connection !== conn || closed) return;
      attempt = 0;
      subscribed = true;
      log.info("redis subscription ready", { channels: channels.length });
      for (const listener of Object.values(listeners)) listener.onSubscribed();
      heartbeat = setInterval(() => void conn.ping().catch(() => conn.disconnect()), HEARTBEAT_MS);
      heartbeat.unref?.();
    });
  }

  open();
  return {
    close() {
      closed = true;
      clearTimeout(reopen);
      clearInterval(heartbeat);
      connection?.disconnect();
    },
  };
}
