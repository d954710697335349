-- Full-text index of the catalog (FTS5). One row per product: its title, the skus of its variants, its tags and
-- its vendor. Maintained explicitly by the catalog verbs (reindex after every write of a product or variant).
CREATE VIRTUAL TABLE `catalog_fts` USING fts5(
  `product_id` UNINDEXED,
  `title`,
  `skus`,
  `tags`,
  `vendor`,
  tokenize = 'unicode61 remove_diacritics 2'
);
