import { A } from "@solidjs/router";
import { PageHeader } from "../ui/kit.tsx";

export function NotFound() {
  return (
    <>
      <PageHeader crumbs={[{ label: "Not found" }]} title="Page not found" />
      <div class="p-6">
        <p class="m-0">Nothing lives at this address. <A href="/" class="link-lime">Go to the overview</A>.</p>
      </div>
    </>
  );
}
