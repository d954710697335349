// Named inventory errors, so callers (cart, checkout) can recognise them and map them to their own reasons.
import { Conflict } from "../../kernel/errors.ts";

export class InsufficientStock extends Conflict {
  constructor(readonly variantId: string, readonly requested: number, readonly available: number) {
    super("inventory.insufficient_stock", "Not enough stock available for this variant", { variantId, requested, available });
    this.name = "InsufficientStock";
  }
}
