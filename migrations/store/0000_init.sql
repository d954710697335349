CREATE TABLE `store_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`default_currency` text NOT NULL,
	`timezone` text NOT NULL,
	`support_email` text,
	`revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "store_settings_singleton" CHECK("store_settings"."id" = 1)
);
