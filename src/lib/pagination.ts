/**
 * A page of `limit` items from `limit + 1` fetched rows: the extra row only says that another page
 * follows, whose cursor is the last item's id.
 */
export function toPage<T extends { id: number }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? String(items.at(-1)!.id) : null };
}
