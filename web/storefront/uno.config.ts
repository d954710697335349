// UnoCSS configuration of the reference storefront: a light, quiet shop look (system fonts, white paper, dark ink,
// one deep green for actions) rather than the dashboard's brutalist black. Every text colour keeps at least 4.5:1
// against the backgrounds it sits on (ink 16:1, muted #595959 7:1, accent 7.4:1 with white text, error 6.6:1).
// Used by src/tools/build-web.ts, which adds the presets so this file stays free of build-only imports.
import type { UserConfig } from "@unocss/core";

export const unoConfig: UserConfig = {
  theme: {
    colors: {
      paper: "#FFFFFF",
      soft: "#F6F5F1",
      ink: "#1B1B1B",
      muted: "#595959",
      line: "#DDDAD3",
      field: "#767676",
      accent: { DEFAULT: "#0E5A48", dark: "#08392E", soft: "#E5F1ED" },
      err: { DEFAULT: "#B3261E", soft: "#FBECEB" },
      ok: { DEFAULT: "#1E6B35", soft: "#E8F3EA" },
      warn: { DEFAULT: "#7A4B00", soft: "#FFF4DC" },
    },
    fontFamily: {
      sans: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    },
  },
  shortcuts: {
    btn: "inline-flex items-center justify-center gap-2 rounded-lg border border-field bg-paper text-ink px-4 py-2 text-sm font-medium cursor-pointer hover:bg-soft disabled:opacity-60 disabled:cursor-not-allowed",
    "btn-primary": "inline-flex items-center justify-center gap-2 rounded-lg border border-accent bg-accent text-white px-5 py-3 text-base font-semibold cursor-pointer hover:bg-accent-dark hover:border-accent-dark disabled:opacity-60 disabled:cursor-not-allowed",
    "btn-link": "inline p-0 border-0 bg-transparent text-accent underline underline-offset-2 cursor-pointer hover:text-accent-dark",
    input: "w-full rounded-lg border border-field bg-paper text-ink px-3 py-2 text-base",
    label: "block text-sm font-medium text-ink mb-1",
    hint: "text-sm text-muted mt-1 mb-0",
    card: "rounded-xl border border-line bg-paper",
    link: "text-accent underline underline-offset-2 hover:text-accent-dark",
    "alert-err": "rounded-lg border border-err bg-err-soft text-err px-4 py-3",
    "alert-ok": "rounded-lg border border-ok bg-ok-soft text-ok px-4 py-3",
    "alert-warn": "rounded-lg border border-warn bg-warn-soft text-warn px-4 py-3",
  },
};
