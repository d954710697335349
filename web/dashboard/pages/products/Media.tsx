// Product images: upload (PNG, JPEG, GIF, WebP; the server checks the bytes) with required alt text, edit alt
// text, delete. Alt text is required by the API too: an image without one is refused.
import { For, Show, createSignal } from "solid-js";
import { api } from "../../lib/api.ts";
import type { Product } from "../../lib/types.ts";
import { Confirm, Empty, ErrorBox, Section, TextField, notify, useAction } from "../../ui/kit.tsx";

export function MediaEditor(props: { product: Product; onChange: () => void }) {
  const [file, setFile] = createSignal<File | null>(null);
  const [alt, setAlt] = createSignal("");
  const { busy, error, run } = useAction();
  let input: HTMLInputElement | undefined;
  const upload = (e: Event) => {
    e.preventDefault();
    return run(async () => {
      const f = file();
      if (!f) throw new Error("Choose an image file");
      if (!alt().trim()) throw new Error("Describe the image in the alt text field");
      const form = new FormData();
      form.set("file", f);
      form.set("alt", alt().trim());
      await api.upload(`/v1/admin/products/${props.product.id}/media`, form);
      setFile(null);
      setAlt("");
      if (input) input.value = "";
      notify("Image uploaded");
      props.onChange();
    });
  };
  return (
    <Section title={`Media (${props.product.media.length})`}>
      <Show when={props.product.media.length > 0} fallback={<Empty title="No images yet">Upload a photo below; describe it in the alt text so screen readers and search engines understand it.</Empty>}>
        <ul class="grid grid-cols-4 gap-4 list-none p-0 m-0">
          <For each={props.product.media}>{(m) => <MediaItem productId={props.product.id} media={m} onChange={props.onChange} />}</For>
        </ul>
      </Show>
      <form onSubmit={upload} class="grid gap-3 items-end mt-4 border-t border-line pt-4" style={{ "grid-template-columns": "1fr 2fr auto" }} aria-label="Upload an image">
        <div>
          <label class="label" for="media-file">Image file</label>
          <input id="media-file" ref={input} type="file" accept="image/png,image/jpeg,image/gif,image/webp" class="input" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </div>
        <TextField label="Alt text (required)" value={alt()} required onInput={(e) => setAlt(e.currentTarget.value)} placeholder="Black mug on a wooden table" />
        <button type="submit" class="btn" disabled={busy()}>{busy() ? "Uploading…" : "Upload"}</button>
      </form>
      <Show when={error()}><div class="mt-3"><ErrorBox error={error()} /></div></Show>
    </Section>
  );
}

function MediaItem(props: { productId: string; media: Product["media"][number]; onChange: () => void }) {
  const [alt, setAlt] = createSignal(props.media.alt);
  const { busy, error, run } = useAction();
  const save = () => run(async () => { await api.patch(`/v1/admin/products/${props.productId}/media/${props.media.id}`, { alt: alt().trim() }); notify("Alt text saved"); });
  return (
    <li class="panel p-2">
      <img src={props.media.url} alt={props.media.alt} class="w-full h-32 object-cover bg-panel block" loading="lazy" />
      <TextField class="mt-2" label="Alt text" value={alt()} onInput={(e) => setAlt(e.currentTarget.value)} />
      <div class="flex gap-2 mt-2">
        <button type="button" class="btn text-xs" disabled={busy() || !alt().trim()} onClick={save}>Save</button>
        <Confirm small label="Remove" title="Remove this image?" confirmLabel="Remove image" consequence="The image disappears from the product page and the storefront."
          onConfirm={async () => { await api.del(`/v1/admin/products/${props.productId}/media/${props.media.id}`); props.onChange(); }} />
      </div>
      <Show when={error()}><ErrorBox error={error()} /></Show>
    </li>
  );
}
