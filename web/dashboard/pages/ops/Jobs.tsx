// Jobs: queue counts, failed and dead jobs with their last error, retry one or all.
import { For, Show, createResource } from "solid-js";
import { api } from "../../lib/api.ts";
import type { JobsView } from "../../lib/types.ts";
import { when } from "../../lib/format.ts";
import { Async, Badge, Empty, ErrorBox, PageHeader, Section, notify, useAction } from "../../ui/kit.tsx";

export function Jobs() {
  const [jobs, { refetch }] = createResource(() => api.get<JobsView>("/v1/admin/jobs"));
  const { busy, error, run } = useAction();
  const retryAll = () => run(async () => { const r = await api.postEmpty<{ retried: number }>("/v1/admin/jobs/retry"); notify(`${r.retried} job(s) retried`); void refetch(); });
  const retryOne = (id: string) => run(async () => { await api.postEmpty(`/v1/admin/jobs/${id}/retry`); notify("Job retried"); void refetch(); });
  return (
    <>
      <PageHeader crumbs={[{ label: "Ops", href: "/ops/jobs" }, { label: "Jobs" }]} title="Jobs" actions={<button type="button" class="btn" onClick={() => refetch()}>Refresh</button>} />
      <div class="p-6 max-w-5xl">
        <Show when={error()}><div class="mb-4"><ErrorBox error={error()} /></div></Show>
        <Async data={jobs} retry={refetch}>
          {(j) => (
            <>
              <div class="grid grid-cols-5 gap-0 panel mb-6">
                <For each={Object.entries(j.counts)}>
                  {([k, v]) => (
                    <div class="p-4 border-r border-line last:border-r-0">
                      <p class="label m-0">{k}</p>
                      <p class={`m-0 mt-1 text-2xl font-mono font-bold ${(k === "failed" || k === "dead") && v > 0 ? "text-err" : ""}`}>{v}</p>
                    </div>
                  )}
                </For>
              </div>
              <Section title="Failed and dead jobs" actions={<Show when={j.problems.length > 0}><button type="button" class="btn-primary text-xs" disabled={busy()} onClick={retryAll}>Retry all</button></Show>}>
                <Show when={j.problems.length > 0} fallback={<Empty title="No failed jobs">E-mails, webhooks and other background work are all flowing.</Empty>}>
                  <table>
                    <thead><tr><th class="th">Job</th><th class="th">State</th><th class="th">Attempts</th><th class="th">Last error</th><th class="th">Failed</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                    <tbody>
                      <For each={j.problems}>
                        {(p) => (
                          <tr>
                            <td class="td mono text-xs">{p.name}<div class="text-muted">{p.id}</div></td>
                            <td class="td"><Badge tone={p.state === "dead" ? "err" : "warn"}>{p.state}</Badge></td>
                            <td class="td mono">{p.attempts}</td>
                            <td class="td text-xs break-all">{p.lastError ?? "—"}</td>
                            <td class="td text-muted">{when(p.failedAt)}</td>
                            <td class="td text-right"><button type="button" class="btn text-xs py-0.5" disabled={busy()} onClick={() => retryOne(p.id)}>Retry</button></td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </Show>
              </Section>
            </>
          )}
        </Async>
      </div>
    </>
  );
}
