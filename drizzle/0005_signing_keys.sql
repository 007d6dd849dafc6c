CREATE TABLE "signing_keys" (
	"kid" varchar(64) PRIMARY KEY NOT NULL,
	"algorithm" varchar(16) NOT NULL,
	"public_jwk" text NOT NULL,
	"private_key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"activates_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "signing_keys_activates_at_idx" ON "signing_keys" USING btree ("activates_at");