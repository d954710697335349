// Catalog lists are ordered by (position, id) — the merchant's manual order, ties broken by the time-ordered id —
// so the cursor carries both. New products are appended (position = max + 1), which keeps a walk through the
// pages free of duplicates and skips while products are being added.
import { ValidationFailed } from "../../kernel/errors.ts";

export interface SortCursor {
  position: number;
  id: string;
}

export const encodeSortCursor = (c: SortCursor): string => Buffer.from(`${c.position}:${c.id}`, "utf8").toString("base64url");

export function decodeSortCursor(cursor: string | undefined): SortCursor | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  const m = /^(\d{1,15}):([a-z]+_[0-9A-Z]{26})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new ValidationFailed("pagination.invalid_cursor", "The cursor is not valid; use nextCursor from a previous page");
  return { position: Number(m[1]), id: m[2]! };
}

export function toSortPage<T>(rows: T[], limit: number, key: (r: T) => SortCursor): { data: T[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > limit && last !== undefined ? encodeSortCursor(key(last)) : null };
}
