-- gitgate record --unverified --reason "…": a migration whose effects the catalog cannot show
-- (data changes, DO blocks) is recorded only on someone's word, and the ledger keeps that word.
ALTER TABLE gitgate.migrations ADD COLUMN IF NOT EXISTS unverified_reason text;
COMMENT ON COLUMN gitgate.migrations.unverified_reason IS 'Set when the row was recorded with gitgate record --unverified: why the person vouched for what the catalog could not show';
