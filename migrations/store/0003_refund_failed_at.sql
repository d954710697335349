-- A refund failed at the provider remembers when (orders/actions.ts refundNewsInTx): a charge.refunded snapshot
-- older than that still counts it (stripe/webhooks.ts).
ALTER TABLE `refunds` ADD `failed_at` integer;