// Audit log: every change, who made it and the request id; filter by action and target.
import { For, Show } from "solid-js";
import { useSearchParams } from "@solidjs/router";
import { createPagedList } from "../../lib/paged.ts";
import type { AuditEntry } from "../../lib/types.ts";
import { when } from "../../lib/format.ts";
import { Async, Badge, Empty, PageHeader } from "../../ui/kit.tsx";

export function Audit() {
  const [params, setParams] = useSearchParams();
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  const filters = () => ({ action: str(params.action), targetType: str(params.targetType) });
  const { page, refetch, cursor, more, rows } = createPagedList<AuditEntry, ReturnType<typeof filters>>("/v1/admin/audit-log", filters);
  return (
    <>
      <PageHeader crumbs={[{ label: "Ops", href: "/ops/jobs" }, { label: "Audit log" }]} title="Audit log">
        <form class="flex gap-3 mt-4" role="search" onSubmit={(e) => { e.preventDefault(); const fd = new FormData(e.currentTarget); setParams({ action: String(fd.get("action") || "") || undefined, targetType: String(fd.get("targetType") || "") || undefined }); }}>
          <div><label class="label" for="audit-action">Action</label><input id="audit-action" name="action" class="input mono" value={str(params.action)} placeholder="product.created" /></div>
          <div><label class="label" for="audit-target">Target type</label><input id="audit-target" name="targetType" class="input mono" value={str(params.targetType)} placeholder="product" /></div>
          <div class="flex items-end"><button type="submit" class="btn">Filter</button></div>
        </form>
      </PageHeader>
      <div class="p-6">
        <Async data={page} retry={refetch} empty={(p) => p.data.length === 0} emptyView={<Empty title="No entries">{params.action || params.targetType ? "No entry matches these filters." : "Changes to products, settings, keys and members are recorded here."}</Empty>}>
          {(p) => (
            <div class="panel">
              <table>
                <thead><tr><th class="th">#</th><th class="th">When</th><th class="th">Action</th><th class="th">Target</th><th class="th">Actor</th><th class="th">Request</th></tr></thead>
                <tbody>
                  <For each={rows()}>
                    {(e) => (
                      <tr>
                        <td class="td mono text-xs text-muted">{e.seq}</td>
                        <td class="td text-muted whitespace-nowrap">{when(e.at)}</td>
                        <td class="td"><Badge tone="lime">{e.action}</Badge></td>
                        <td class="td mono text-xs">{e.targetType}<div class="text-muted">{e.targetId}</div></td>
                        <td class="td mono text-xs">{e.actor.type}<div class="text-muted">{e.actor.id}</div></td>
                        <td class="td mono text-xs text-muted">{e.requestId}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
              <Show when={cursor()}><div class="p-3 border-t border-line"><button type="button" class="btn" onClick={more}>Load more</button></div></Show>
            </div>
          )}
        </Async>
      </div>
    </>
  );
}
