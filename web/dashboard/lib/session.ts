// The signed-in user: loaded once from /v1/auth/me (which also hands out the CSRF token), cleared on logout or
// when any call answers 401. The current store is the first membership unless the user picks another.
import { createSignal } from "solid-js";
import { api, session as client } from "./api.ts";
import type { SessionView } from "./types.ts";

const STORE_KEY = "trafi.store";
const [me, setMe] = createSignal<SessionView | null>(null);
const [storeId, setStoreId] = createSignal<string | null>(null);
export { me, storeId };

export function adopt(view: SessionView | null) {
  setMe(view);
  client.setCsrf(view?.csrfToken ?? null);
  if (!view) {
    setStoreId(null);
    client.setStore(null);
    return;
  }
  const saved = localStorage.getItem(STORE_KEY);
  const pick = view.stores.find((s) => s.storeId === saved) ?? view.stores[0];
  selectStore(pick?.storeId ?? null);
}

export function selectStore(id: string | null) {
  setStoreId(id);
  client.setStore(id);
  if (id) localStorage.setItem(STORE_KEY, id);
}

export const currentStore = () => me()?.stores.find((s) => s.storeId === storeId()) ?? null;
export const can = (permission: string) => {
  const perms = currentStore()?.permissions ?? [];
  const [res] = permission.split(":");
  return perms.includes(permission) || perms.includes(`${res}:*`) || perms.includes("*");
};

export async function loadSession(): Promise<SessionView | null> {
  try {
    const view = await api.get<SessionView>("/v1/auth/me");
    adopt(view);
    return view;
  } catch {
    adopt(null);
    return null;
  }
}

export async function logout() {
  try {
    await api.postEmpty("/v1/auth/logout");
  } finally {
    adopt(null);
  }
}
