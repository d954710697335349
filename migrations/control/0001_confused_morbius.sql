CREATE TABLE `control_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`topic` text NOT NULL,
	`key` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`relayed_at` integer,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `control_outbox_pending_idx` ON `control_outbox` (`relayed_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `control_outbox_topic_key_idx` ON `control_outbox` (`topic`,`key`);