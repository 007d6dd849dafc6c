import { asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { webhookEndpoints } from "../db/schema";

export type StoredEndpoint = typeof webhookEndpoints.$inferSelect;

export type EndpointRepository = ReturnType<typeof createEndpointRepository>;

export function createEndpointRepository(db: Database) {
  return {
    async create(endpoint: { id: string; url: string; events: string[] | null; sealedSecret: string }): Promise<StoredEndpoint> {
      const [row] = await db
        .insert(webhookEndpoints)
        .values({ id: endpoint.id, url: endpoint.url, events: endpoint.events, secret: endpoint.sealedSecret })
        .returning();
      return row!;
    },

    list: (): Promise<StoredEndpoint[]> =>
      db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id)),

    /** What each stored endpoint subscribes to: all the outbox needs to know. */
    subscriptions: (): Promise<{ events: string[] | null }[]> => db.select({ events: webhookEndpoints.events }).from(webhookEndpoints),

    /** Deletes the endpoint with its deliveries; false when there was none. */
    async delete(id: string): Promise<boolean> {
      return (await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id })).length === 1;
    },
  };
}
