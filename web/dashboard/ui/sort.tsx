// Sortable table headers (UX.md): a button in each header cycles ascending/descending; aria-sort tells assistive
// technology the current order. Sorting applies to the rows loaded so far.
import { createMemo, createSignal, type Accessor, type JSX } from "solid-js";

export type SortValue = string | number;

export function createSort<T>(rows: Accessor<T[]>, keys: Record<string, (row: T) => SortValue>, initial?: { key: string; dir: 1 | -1 }) {
  const [sort, setSort] = createSignal<{ key: string; dir: 1 | -1 } | null>(initial ?? null);
  const sorted = createMemo(() => {
    const s = sort();
    const get = s ? keys[s.key] : undefined;
    if (!s || !get) return rows();
    return [...rows()].sort((a, b) => {
      const x = get(a), y = get(b);
      return (x < y ? -1 : x > y ? 1 : 0) * s.dir;
    });
  });
  const toggle = (key: string) => {
    const s = sort();
    setSort({ key, dir: s?.key === key && s.dir === 1 ? -1 : 1 });
  };
  function Th(props: { key: string; children: JSX.Element; class?: string }) {
    const state = () => (sort()?.key === props.key ? (sort()!.dir === 1 ? "ascending" : "descending") : "none");
    return (
      <th class={`th ${props.class ?? ""}`} aria-sort={state()}>
        <button type="button" class="uppercase tracking-wider text-xs text-muted hover:text-fg cursor-pointer" onClick={() => toggle(props.key)}>
          {props.children}
          <span aria-hidden="true" class="ml-1 text-lime">{state() === "ascending" ? "▲" : state() === "descending" ? "▼" : ""}</span>
        </button>
      </th>
    );
  }
  return { sorted, Th };
}
