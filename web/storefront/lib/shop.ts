// The store's public profile (name, currency, return window, payment provider), read once per page load, and the
// document title every page sets through useTitle. Plain signals: they live outside any component.
import { createEffect, createSignal } from "solid-js";
import { api } from "./api.ts";
import type { StoreProfile } from "./types.ts";

const [profile, setProfile] = createSignal<StoreProfile | null>(null);
const [profileError, setProfileError] = createSignal<unknown>(null);
export { profile, profileError };

export async function loadProfile(): Promise<void> {
  setProfileError(null);
  try {
    setProfile(await api.get<StoreProfile>("/v1/store/store"));
  } catch (e) {
    setProfileError(e);
  }
}

export const shopName = (): string => profile()?.name ?? "Shop";

/** "Your cart · Trafi Demo Store": the page's own name first, so tabs and screen readers say what is new. */
export function useTitle(title: () => string | null): void {
  createEffect(() => {
    const t = title();
    document.title = t ? `${t} · ${shopName()}` : shopName();
  });
}
