// Collections: curated product lists (create, choose products, delete).
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { Collection, Product } from "../../lib/types.ts";
import { Async, Confirm, Empty, ErrorBox, PageHeader, Section, TextField, notify, useAction } from "../../ui/kit.tsx";

function CollectionRow(props: { c: Collection; products: Product[]; onChange: () => void }) {
  const [picked, setPicked] = createSignal(new Set(props.c.productIds));
  const { busy, error, run } = useAction();
  const toggle = (id: string, on: boolean) => {
    const s = new Set(picked());
    if (on) s.add(id);
    else s.delete(id);
    setPicked(s);
  };
  const save = () => run(async () => { await api.put(`/v1/admin/collections/${props.c.id}/products`, { productIds: [...picked()] }); notify(`Saved ${props.c.title}`); props.onChange(); });
  return (
    <li class="panel mb-3">
      <div class="panel-head">
        <div><span class="font-bold">{props.c.title}</span> <span class="mono text-xs text-muted">{props.c.handle} · {props.c.productIds.length} products</span></div>
        <Confirm small label="Delete" title={`Delete ${props.c.title}?`} confirmLabel="Delete collection" consequence="The products stay in the catalog; the collection page and its links disappear from the storefront."
          onConfirm={async () => { await api.del(`/v1/admin/collections/${props.c.id}`); props.onChange(); }} />
      </div>
      <details class="p-3">
        <summary class="cursor-pointer text-sm">Choose products</summary>
        <fieldset class="border-0 p-0 m-0 mt-2">
          <legend class="sr-only">Products in {props.c.title}</legend>
          <div class="grid grid-cols-3 gap-2">
            <For each={props.products}>
              {(p) => (
                <label class="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={picked().has(p.id)} onChange={(e) => toggle(p.id, e.currentTarget.checked)} /> {p.title}
                </label>
              )}
            </For>
          </div>
        </fieldset>
        <button type="button" class="btn mt-3" disabled={busy()} onClick={save}>Save products</button>
        <Show when={error()}><ErrorBox error={error()} /></Show>
      </details>
    </li>
  );
}

export function Collections() {
  const [list, { refetch }] = createResource(() => api.get<Page<Collection>>("/v1/admin/collections", { limit: 100 }));
  const [products] = createResource(() => api.get<Page<Product>>("/v1/admin/products", { limit: 100 }));
  const [title, setTitle] = createSignal("");
  const { busy, error, run } = useAction();
  const create = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.post("/v1/admin/collections", { title: title().trim() }))) {
      notify(`Created ${title()}`);
      setTitle("");
      void refetch();
    }
  };
  return (
    <>
      <PageHeader crumbs={[{ label: "Catalog", href: "/products" }, { label: "Collections" }]} title="Collections" />
      <div class="p-6 max-w-4xl">
        <Section title="New collection">
          <form onSubmit={create} class="flex gap-3 items-end" aria-label="New collection">
            <TextField class="flex-1" label="Title" required value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
            <button type="submit" class="btn-primary" disabled={busy()}>Create collection</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
        </Section>
        <Async data={list} retry={refetch} empty={(l) => l.data.length === 0} emptyView={<Empty title="No collections yet">Create one above (for example “Summer sale”) and choose its products.</Empty>}>
          {(l) => <ul class="list-none p-0 m-0"><For each={l.data}>{(c) => <CollectionRow c={c} products={products()?.data ?? []} onChange={refetch} />}</For></ul>}
        </Async>
      </div>
    </>
  );
}
