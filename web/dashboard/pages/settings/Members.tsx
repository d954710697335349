// Members and roles: who can do what in this store; change a role, remove a member, invite by e-mail.
import { For, Show, createResource, createSignal } from "solid-js";
import { api, type Page } from "../../lib/api.ts";
import type { Invite, Member, Role, RoleView } from "../../lib/types.ts";
import { when } from "../../lib/format.ts";
import { me } from "../../lib/session.ts";
import { Async, Badge, Confirm, Empty, ErrorBox, PageHeader, Section, SelectField, TextField, notify, useAction } from "../../ui/kit.tsx";

export function Members() {
  const [members, { refetch }] = createResource(() => api.get<Page<Member>>("/v1/admin/members", { limit: 100 }));
  const [invites, { refetch: refetchInvites }] = createResource(() => api.get<Page<Invite>>("/v1/admin/members/invites", { limit: 100 }));
  const [roles] = createResource(() => api.get<RoleView[]>("/v1/admin/roles"));
  const roleOptions = () => (roles() ?? []).map((r) => ({ value: r.id, label: r.name }));
  const [email, setEmail] = createSignal("");
  const [role, setRole] = createSignal<Role>("operator");
  const { busy, error, run } = useAction();
  const action = useAction();
  const invite = async (e: Event) => {
    e.preventDefault();
    if (await run(() => api.post("/v1/admin/members/invites", { email: email().trim(), role: role() }))) {
      notify(`Invitation sent to ${email()}`);
      setEmail("");
      void refetchInvites();
    }
  };
  const changeRole = (m: Member, r: string) => action.run(async () => { await api.patch(`/v1/admin/members/${m.userId}`, { role: r }); notify(`${m.email} is now ${r}`); void refetch(); });
  return (
    <>
      <PageHeader crumbs={[{ label: "Settings", href: "/settings" }, { label: "Members & roles" }]} title="Members & roles" />
      <div class="p-6 max-w-5xl">
        <Show when={action.error()}><div class="mb-4"><ErrorBox error={action.error()} /></div></Show>
        <Async data={members} retry={refetch} empty={(m) => m.data.length === 0} emptyView={<Empty title="No members">Invite a teammate below.</Empty>}>
          {(m) => (
            <Section title="Members">
              <table>
                <thead><tr><th class="th">Member</th><th class="th">Role</th><th class="th">Since</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
                <tbody>
                  <For each={m.data}>
                    {(mem) => (
                      <tr>
                        <td class="td"><span class="font-bold">{mem.name ?? mem.email}</span><div class="text-xs text-muted">{mem.email}</div></td>
                        <td class="td w-56">
                          <Show when={mem.userId !== me()?.user.id} fallback={<Badge tone="lime">{mem.role} (you)</Badge>}>
                            <select class="input" aria-label={`Role of ${mem.email}`} value={mem.role} onChange={(e) => changeRole(mem, e.currentTarget.value)}>
                              <For each={roleOptions()}>{(o) => <option value={o.value} selected={o.value === mem.role}>{o.label}</option>}</For>
                            </select>
                          </Show>
                        </td>
                        <td class="td text-muted">{when(mem.createdAt)}</td>
                        <td class="td text-right">
                          <Show when={mem.userId !== me()?.user.id}>
                            <Confirm small label="Remove" title={`Remove ${mem.email}?`} confirmLabel="Remove member" consequence={`${mem.email} loses access to this store at once; their past actions stay in the audit log.`}
                              onConfirm={async () => { await api.del(`/v1/admin/members/${mem.userId}`); void refetch(); }} />
                          </Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Section>
          )}
        </Async>
        <Section title="Invite a member">
          <form onSubmit={invite} class="grid grid-cols-3 gap-3 items-end" aria-label="Invite a member">
            <TextField label="E-mail" type="email" required value={email()} onInput={(e) => setEmail(e.currentTarget.value)} />
            <SelectField label="Role" value={role()} onChange={(e) => setRole(e.currentTarget.value as Role)} options={roleOptions()} />
            <button type="submit" class="btn-primary" disabled={busy()}>Send invitation</button>
          </form>
          <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
          <Show when={(invites()?.data.length ?? 0) > 0}>
            <table class="mt-4">
              <thead><tr><th class="th">Invited</th><th class="th">Role</th><th class="th">Status</th><th class="th">Expires</th><th class="th"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                <For each={invites()?.data}>
                  {(i) => (
                    <tr>
                      <td class="td">{i.email}</td>
                      <td class="td">{i.role}</td>
                      <td class="td"><Badge tone={i.status === "pending" ? "warn" : i.status === "accepted" ? "ok" : "muted"}>{i.status}</Badge></td>
                      <td class="td text-muted">{when(i.expiresAt)}</td>
                      <td class="td text-right">
                        <Show when={i.status === "pending"}>
                          <Confirm small label="Revoke" title={`Revoke the invitation of ${i.email}?`} confirmLabel="Revoke invitation" consequence="The link in the e-mail stops working."
                            onConfirm={async () => { await api.postEmpty(`/v1/admin/members/invites/${i.id}/revoke`); void refetchInvites(); }} />
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        </Section>
        <Section title="Roles">
          <dl class="m-0 grid grid-cols-2 gap-4">
            <For each={roles()}>{(r) => <div><dt class="font-bold">{r.name}</dt><dd class="m-0 text-sm text-muted">{r.description}</dd></div>}</For>
          </dl>
        </Section>
      </div>
    </>
  );
}
