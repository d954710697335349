// The 404 page: for unknown paths, and for a product or order the API does not know.
import { A } from "@solidjs/router";
import { useTitle } from "../lib/shop.ts";

export function NotFound(props: { what?: "page" | "product" }) {
  const product = () => props.what === "product";
  useTitle(() => (product() ? "Product not found" : "Page not found"));
  return (
    <div class="max-w-xl">
      <h1 class="text-3xl font-bold mt-0">{product() ? "Product not found" : "Page not found"}</h1>
      <p>{product() ? "This product is not for sale, or its address has changed." : "There is nothing at this address."}</p>
      <p><A href="/" class="link">See all products</A></p>
    </div>
  );
}
