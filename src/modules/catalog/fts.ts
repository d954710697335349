// Maintenance and querying of the catalog_fts FTS5 table (created by a custom migration). One row per product.
import { sql } from "drizzle-orm";
import type { StoreTx } from "../../db/tx.ts";

/** Rewrites the product's index row from its current title, variant skus, tags and vendor. Call in the write tx. */
export async function reindexProduct(tx: StoreTx, productId: string): Promise<void> {
  await tx.run(sql`delete from catalog_fts where product_id = ${productId}`);
  await tx.run(sql`
    insert into catalog_fts (product_id, title, skus, tags, vendor)
    select p.id, p.title,
      coalesce((select group_concat(v.sku, ' ') from variants v where v.product_id = p.id and v.sku is not null), ''),
      coalesce((select group_concat(j.value, ' ') from json_each(p.tags) j), ''),
      coalesce(p.vendor, '')
    from products p where p.id = ${productId}`);
}

export async function unindexProduct(tx: StoreTx, productId: string): Promise<void> {
  await tx.run(sql`delete from catalog_fts where product_id = ${productId}`);
}

/**
 * Turns user input into a safe FTS5 query: every word becomes a quoted prefix term, all required. Quoting means
 * FTS5 syntax in the input (NEAR, column filters, unbalanced quotes) is searched as text instead of failing.
 * A sku like "TEE-BLK-M" becomes three consecutive terms, which the tokenizer also produced when indexing it.
 */
export function ftsQuery(q: string): string | null {
  const words = q.normalize("NFKC").split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0).slice(0, 16);
  if (words.length === 0) return null;
  return words.map((w) => `"${w}"*`).join(" ");
}
