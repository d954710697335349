// Categories: the tree the storefront navigates (one level of parent shown), create and delete.
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { Category } from "../../lib/types.ts";
import { Async, Confirm, Empty, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";

export function Categories() {
  const [list, { refetch }] = createResource(() => api.get<Page<Category>>("/v1/admin/categories", { limit: 100 }));
  const [name, setName] = createSignal("");
  const [parent, setParent] = createSignal("");
  const { busy, error, run } = useAction();
  const create = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.post("/v1/admin/categories", { name: name().trim(), parentId: parent() || null }))) {
      notify(`Created ${name()}`);
      setName("");
      void refetch();
    }
  };
  const nameOf = (id: string | null) => list()?.data.find((c) => c.id === id)?.name ?? "—";
  return (
    <>
      <PageHeader crumbs={[{ label: "Catalog", href: "/products" }, { label: "Categories" }]} title="Categories" />
      <div class="p-6 max-w-4xl">
        <Section title="New category">
          <form onSubmit={create} class="grid grid-cols-3 gap-3 items-end" aria-label="New category">
            <TextField label="Name" required value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            <SelectField label="Parent" value={parent()} onChange={(e) => setParent(e.currentTarget.value)} options={[{ value: "", label: "None (top level)" }, ...(list()?.data ?? []).map((c) => ({ value: c.id, label: c.name }))]} />
            <button type="submit" class="btn-primary" disabled={busy()}>Create category</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
        </Section>
        <Async data={list} retry={refetch} empty={(l) => l.data.length === 0} emptyView={<Empty title="No categories yet">Create one above, then assign products to it from the product page.</Empty>}>
          {(l) => (
            <div class="panel">
              <table>
                <thead><tr><th class="th">Name</th><th class="th">Handle</th><th class="th">Parent</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  <For each={l.data}>
                    {(c) => (
                      <tr>
                        <td class="td font-bold">{c.name}</td>
                        <td class="td mono text-xs">{c.handle}</td>
                        <td class="td">{nameOf(c.parentId)}</td>
                        <td class="td text-right">
                          <Confirm small label="Delete" title={`Delete ${c.name}?`} confirmLabel="Delete category" consequence={`Products in ${c.name} stay in the catalog but leave this category; storefront links to it stop working.`}
                            onConfirm={async () => { await api.del(`/v1/admin/categories/${c.id}`); void refetch(); }} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </Async>
      </div>
    </>
  );
}
