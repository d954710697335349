-- A cart may carry the buyer's EU VAT number: reverse charge at checkout when it qualifies (tax/compute.ts).
ALTER TABLE `carts` ADD `vat_number` text;