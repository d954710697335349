// UnoCSS configuration of the dashboard (UX.md "Digital Brutalism v2"): black, 1px #333 grid, lime actions and
// focus, status colours, radius 0, JetBrains Mono for numbers/ids. Used by src/tools/build-web.ts (presets added
// there so this file stays free of build-only imports).
import type { UserConfig } from "@unocss/core";

export const unoConfig: UserConfig = {
  theme: {
    colors: {
      bg: "#000000",
      fg: "#FFFFFF",
      line: "#333333",
      muted: "#A0A0A0",
      panel: "#0A0A0A",
      lime: "#CCFF00",
      ok: "#00FF94",
      warn: "#EAB308",
      err: "#FF3366",
    },
    fontFamily: {
      mono: '"JetBrains Mono", ui-monospace, SFMono-Regular, Menlo, monospace',
      sans: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    },
  },
  shortcuts: {
    btn: "inline-flex items-center gap-2 border border-line bg-bg text-fg px-3 py-1.5 text-sm cursor-pointer hover:border-fg disabled:opacity-50 disabled:cursor-not-allowed",
    "btn-primary": "inline-flex items-center gap-2 border border-lime bg-lime text-bg font-bold px-3 py-1.5 text-sm cursor-pointer hover:bg-fg hover:border-fg disabled:opacity-50 disabled:cursor-not-allowed",
    "btn-danger": "inline-flex items-center gap-2 border border-err bg-bg text-err px-3 py-1.5 text-sm cursor-pointer hover:bg-err hover:text-bg disabled:opacity-50",
    input: "w-full border border-line bg-bg text-fg px-2 py-1.5 text-sm placeholder-muted hover:border-muted",
    label: "block text-xs uppercase tracking-wider text-muted mb-1",
    panel: "border border-line bg-bg",
    "panel-head": "flex items-center justify-between border-b border-line px-4 py-2",
    th: "text-left text-xs uppercase tracking-wider text-muted font-normal px-3 py-2 border-b border-line",
    td: "px-3 py-2 border-b border-line text-sm align-top",
    mono: "font-mono",
    "link-lime": "text-lime underline-offset-2 hover:underline",
  },
};
