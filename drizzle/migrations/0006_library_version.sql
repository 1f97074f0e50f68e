-- A counter that moves whenever any track row is added, changed or removed, so caches built from
-- the tracks table (the facet index) can tell cheaply whether they are stale. Kept by triggers,
-- so every writer (web, worker, a future tool) moves it without having to remember to.
CREATE TABLE `library_version` (
  `id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
  `tracks` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `library_version` (`id`, `tracks`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `tracks_version_ai` AFTER INSERT ON `tracks` BEGIN
  UPDATE library_version SET tracks = tracks + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tracks_version_ad` AFTER DELETE ON `tracks` BEGIN
  UPDATE library_version SET tracks = tracks + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tracks_version_au` AFTER UPDATE ON `tracks` BEGIN
  UPDATE library_version SET tracks = tracks + 1 WHERE id = 1;
END;
