-- A refund failed at the provider remembers when (orders/actions.ts refundNewsInTx): a charge.refunded snapshot
-- older than that still counts it (stripe/webhooks.ts). Refunds are looked up by payment (sums, provider id).
ALTER TABLE `refunds` ADD `failed_at` integer;--> statement-breakpoint
CREATE INDEX `refunds_payment_idx` ON `refunds` (`payment_id`,`status`);