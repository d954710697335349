// Webhooks: endpoints (the signing secret is shown once), a test event, and the delivery log with replay.
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { Delivery, Webhook } from "../../lib/types.ts";
import { when } from "../../lib/format.ts";
import { Async, Badge, Confirm, Empty, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction, type Tone } from "../../ui/kit.tsx";

const deliveryTone: Record<Delivery["status"], Tone> = { delivered: "ok", pending: "muted", retrying: "warn", dead: "err" };

export function Webhooks() {
  const [endpoints, { refetch }] = createResource(() => api.get<Page<Webhook>>("/v1/admin/webhooks", { limit: 100 }));
  const [status, setStatus] = createSignal("");
  const [deliveries, { refetch: refetchDeliveries }] = createResource(status, (s) => api.get<Page<Delivery>>("/v1/admin/webhooks/deliveries", { limit: 50, status: s }));
  const [url, setUrl] = createSignal("");
  const [events, setEvents] = createSignal("*");
  const [secret, setSecret] = createSignal<string | null>(null);
  const { busy, error, run } = useAction();
  const act = useAction();
  const create = async (e: Event) => {
    e.preventDefault();
    const list = events().split(",").map((s) => s.trim()).filter(Boolean);
    await run(async () => {
      const r = await api.post<{ endpoint: Webhook; secret: string }>("/v1/admin/webhooks", { url: url().trim(), events: list });
      setSecret(r.secret);
      setUrl("");
      void refetch();
    });
  };
  const sendTest = (w: Webhook) => act.run(async () => { await api.postEmpty(`/v1/admin/webhooks/${w.id}/test`); notify("Test event queued"); void refetchDeliveries(); });
  const replay = (d: Delivery) => act.run(async () => { await api.postEmpty(`/v1/admin/webhooks/deliveries/${d.id}/replay`); notify("Delivery replayed"); void refetchDeliveries(); });
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Webhooks" }]} title="Webhooks" />
      <div class="p-6 max-w-5xl">
        <Section title="New endpoint">
          <form onSubmit={create} class="grid gap-3 items-end" style={{ "grid-template-columns": "2fr 1fr auto" }} aria-label="New webhook endpoint">
            <TextField label="URL" type="url" required value={url()} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://example.com/hooks/trafi" />
            <TextField label="Events" hint="Comma-separated: order.*, product.created, *" value={events()} onInput={(e) => setEvents(e.currentTarget.value)} />
            <button type="submit" class="btn-primary" disabled={busy()}>Add endpoint</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
          <Show when={secret()}>
            <div role="status" class="mt-4 border border-lime p-4">
              <p class="m-0 font-bold text-lime">Signing secret — shown once. Verify the trafi-signature header with it.</p>
              <label class="label mt-3" for="wh-secret">Secret</label>
              <input id="wh-secret" class="input mono" readOnly value={secret()!} onFocus={(e) => e.currentTarget.select()} />
              <button type="button" class="btn mt-3" onClick={() => setSecret(null)}>I stored it</button>
            </div>
          </Show>
        </Section>
        <Show when={act.error()}><div class="mb-4"><ErrorBox error={act.error()} /></div></Show>
        <Async data={endpoints} retry={refetch} empty={(l) => l.data.length === 0} emptyView={<Empty title="No endpoints">Add a URL above to receive order, product and experiment events.</Empty>}>
          {(l) => (
            <Section title="Endpoints">
              <table>
                <thead><tr><th class="th">URL</th><th class="th">Events</th><th class="th">Status</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  <For each={l.data}>
                    {(w) => (
                      <tr>
                        <td class="td mono text-xs break-all">{w.url}<div class="text-muted">{w.id}</div></td>
                        <td class="td mono text-xs">{w.events.join(", ")}</td>
                        <td class="td"><Badge tone={w.enabled ? "ok" : "muted"}>{w.enabled ? "enabled" : "disabled"}</Badge></td>
                        <td class="td text-right whitespace-nowrap">
                          <button type="button" class="btn text-xs py-0.5" onClick={() => sendTest(w)}>Send test</button>{" "}
                          <Confirm small label="Delete" title="Delete this endpoint?" confirmLabel="Delete endpoint" consequence={`${w.url} stops receiving events; pending deliveries to it are dropped.`}
                            onConfirm={async () => { await api.del(`/v1/admin/webhooks/${w.id}`); void refetch(); }} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Section>
          )}
        </Async>
        <Section title="Deliveries" actions={<SelectField label="Status" class="w-40" value={status()} onChange={(e) => setStatus(e.currentTarget.value)} options={[{ value: "", label: "All" }, { value: "delivered", label: "Delivered" }, { value: "retrying", label: "Retrying" }, { value: "pending", label: "Pending" }, { value: "dead", label: "Dead" }]} />}>
          <Async data={deliveries} retry={refetchDeliveries} empty={(d) => d.data.length === 0} emptyView={<Empty title="No deliveries">Events sent to your endpoints appear here; use “Send test” to try one.</Empty>}>
            {(d) => (
              <table>
                <thead><tr><th class="th">Event</th><th class="th">Status</th><th class="th">Attempts</th><th class="th">Last result</th><th class="th">Created</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  <For each={d.data}>
                    {(x) => (
                      <tr>
                        <td class="td mono text-xs">{x.eventType}<div class="text-muted">{x.id}</div></td>
                        <td class="td"><Badge tone={deliveryTone[x.status]}>{x.status}</Badge></td>
                        <td class="td mono">{x.attempts}</td>
                        <td class="td mono text-xs">{x.lastStatusCode ?? ""} {x.lastError ?? ""}</td>
                        <td class="td text-muted">{when(x.createdAt)}</td>
                        <td class="td text-right"><button type="button" class="btn text-xs py-0.5" onClick={() => replay(x)}>Replay</button></td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            )}
          </Async>
        </Section>
      </div>
    </>
  );
}
