-- Placeholder for branch genrec's migration 0006, so that this branch's
-- 0007 can run (versions may have no gap).  It changes nothing; the lead
-- drops this file (and its STORE_SQL line) when genrec's 0006 is merged.
SELECT 1;
