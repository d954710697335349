// A cursor-paged admin list: the first page follows the filters (refetched when they change), "Load more"
// appends the next pages. Every list page of the dashboard uses this one helper.
import { createResource, createSignal } from "solid-js";
import { api, type Page, type Query } from "./api.ts";

export const PAGE_SIZE = 50;

export function createPagedList<T, F extends Query>(path: string, filters: () => F) {
  const [extra, setExtra] = createSignal<T[]>([]);
  const [cursor, setCursor] = createSignal<string | null>(null);
  const [page, { refetch }] = createResource(filters, async (f) => {
    setExtra([]);
    const r = await api.get<Page<T>>(path, { limit: PAGE_SIZE, ...f });
    setCursor(r.nextCursor);
    return r;
  });
  const more = async () => {
    const r = await api.get<Page<T>>(path, { limit: PAGE_SIZE, ...filters(), cursor: cursor() });
    setExtra([...extra(), ...r.data]);
    setCursor(r.nextCursor);
  };
  /** Every row loaded so far: the first page, then the pages "Load more" fetched. */
  const rows = (): T[] => [...(page()?.data ?? []), ...extra()];
  return { page, refetch, cursor, more, rows };
}
