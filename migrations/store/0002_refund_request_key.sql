-- Refunds remember the (hashed) Idempotency-Key of the admin request that made them, so a retried refund whose
-- answer was lost is found instead of refunded again (orders/actions.ts refundOrder).
ALTER TABLE `refunds` ADD `request_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_request_key_uq` ON `refunds` (`order_id`,`request_key`);
