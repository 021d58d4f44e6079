-- Named-person blocks (issue 4): an entry's addresses block all mail there ('whole', as before) or
-- only mail to its protected person ('named'), when someone else at the address needs their post.
-- A named block without a protected person would block nobody by name: refused here as well.
ALTER TABLE entries ADD COLUMN address_mode TEXT NOT NULL DEFAULT 'whole'
  CHECK (address_mode IN ('whole', 'named') AND (address_mode = 'whole' OR protected_person IS NOT NULL));
