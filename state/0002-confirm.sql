-- A generation applied with --confirm-timeout stays 'pending' until
-- `hostnet confirm` runs; confirm_by is its deadline (unix milliseconds).
-- A pending generation past its deadline is rolled back by the next
-- hostnet run that takes the lock (or by `hostnet confirm --expire` from a
-- timer), even if the process that applied it was killed.
ALTER TABLE generations ADD COLUMN confirm_by INTEGER;
CREATE INDEX generations_confirm ON generations(result, confirm_by);
