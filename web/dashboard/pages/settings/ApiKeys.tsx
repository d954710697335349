// API keys: create (the token is shown once, here, and never again), list, revoke.
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { ApiKey } from "../../lib/types.ts";
import { when } from "../../lib/format.ts";
import { Async, Badge, Confirm, Empty, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";

export function ApiKeys() {
  const [keys, { refetch }] = createResource(() => api.get<Page<ApiKey>>("/v1/admin/api-keys", { limit: 100 }));
  const [type, setType] = createSignal<"publishable" | "secret">("secret");
  const [name, setName] = createSignal("");
  const [shown, setShown] = createSignal<{ token: string; name: string } | null>(null);
  const { busy, error, run } = useAction();
  const create = async (e: Event) => {
    e.preventDefault();
    await run(async () => {
      const r = await api.post<{ key: ApiKey; token: string }>("/v1/admin/api-keys", { type: type(), ...(name().trim() ? { name: name().trim() } : {}) });
      setShown({ token: r.token, name: r.key.name });
      setName("");
      void refetch();
    });
  };
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "API keys" }]} title="API keys" />
      <div class="p-6 max-w-5xl">
        <Section title="New key">
          <form onSubmit={create} class="grid grid-cols-3 gap-3 items-end" aria-label="New API key">
            <SelectField label="Type" value={type()} onChange={(e) => setType(e.currentTarget.value as "secret")} options={[{ value: "secret", label: "Secret (admin API, server only)" }, { value: "publishable", label: "Publishable (storefront)" }]} />
            <TextField label="Name" value={name()} onInput={(e) => setName(e.currentTarget.value)} placeholder="ERP sync" />
            <button type="submit" class="btn-primary" disabled={busy()}>Create key</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
          <Show when={shown()}>
            {(s) => (
              <div role="status" class="mt-4 border border-lime p-4">
                <p class="m-0 font-bold text-lime">Copy the key “{s().name}” now: it is shown only once.</p>
                <label class="label mt-3" for="new-token">Token</label>
                <input id="new-token" class="input mono" readOnly value={s().token} onFocus={(e) => e.currentTarget.select()} />
                <div class="flex gap-2 mt-3">
                  <button type="button" class="btn" onClick={() => navigator.clipboard?.writeText(s().token).then(() => notify("Copied"))}>Copy</button>
                  <button type="button" class="btn" onClick={() => setShown(null)}>I stored it</button>
                </div>
              </div>
            )}
          </Show>
        </Section>
        <Async data={keys} retry={refetch} empty={(k) => k.data.length === 0} emptyView={<Empty title="No keys">Create a publishable key for your storefront and a secret key for your back office.</Empty>}>
          {(k) => (
            <div class="panel">
              <table>
                <thead><tr><th class="th">Name</th><th class="th">Type</th><th class="th">Token</th><th class="th">Last used</th><th class="th">Status</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  <For each={k.data}>
                    {(key) => (
                      <tr>
                        <td class="td font-bold">{key.name}<div class="mono text-xs text-muted">{key.id}</div></td>
                        <td class="td"><Badge tone={key.type === "secret" ? "warn" : "lime"}>{key.type}</Badge></td>
                        <td class="td mono text-xs">{key.tokenHint}</td>
                        <td class="td text-muted">{when(key.lastUsedAt)}</td>
                        <td class="td"><Badge tone={key.revokedAt ? "err" : "ok"}>{key.revokedAt ? "revoked" : "active"}</Badge></td>
                        <td class="td text-right">
                          <Show when={!key.revokedAt}>
                            <Confirm small label="Revoke" title={`Revoke ${key.name}?`} confirmLabel="Revoke key"
                              consequence={`Every request made with ${key.tokenHint} fails from now on${key.type === "publishable" ? ", including your storefront if it uses this key" : ""}. This cannot be undone.`}
                              onConfirm={async () => { await api.postEmpty(`/v1/admin/api-keys/${key.id}/revoke`); notify("Key revoked"); void refetch(); }} />
                          </Show>
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
