-- Returns (RMA) of shipped order lines (orders/returns.ts); a refund may name the return it pays back; a store may
-- let buyers start returns from the storefront for a number of days after shipping, and names its storefront's
-- address so order e-mails link to the buyer's order page.
CREATE TABLE `returns` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`number` integer NOT NULL,
	`status` text NOT NULL,
	`lines` text NOT NULL,
	`reason` text NOT NULL,
	`note` text,
	`restocked` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`received_at` integer,
	`cancelled_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `returns_order_number_uq` ON `returns` (`order_id`,`number`);--> statement-breakpoint
ALTER TABLE `store_settings` ADD `return_window_days` integer;--> statement-breakpoint
ALTER TABLE `store_settings` ADD `storefront_url` text;--> statement-breakpoint
ALTER TABLE `refunds` ADD `return_id` text;