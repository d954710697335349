// Cursor pagination (API.md): `?limit=` (default 20, max 100) and an opaque `?cursor=`. Ids are time-ordered, so
// the cursor is the last id seen, encoded so clients don't build it themselves.
import { t } from "elysia";
import { ValidationFailed } from "./errors.ts";

export const ListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
});

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export const encodeCursor = (lastId: string): string => Buffer.from(lastId, "utf8").toString("base64url");

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^[a-z]+_[0-9A-Z]{26}$/.test(id)) {
    throw new ValidationFailed("pagination.invalid_cursor", "The cursor is not valid; use nextCursor from a previous page");
  }
  return id;
}

/** Builds a page from `limit + 1` fetched rows: the extra row only tells whether there is a next page. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
