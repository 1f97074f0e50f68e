-- Full-text search over the fields DJs search by. External content (no copy of the text):
-- rows are kept in sync by the triggers below; an update that leaves these columns alone
-- (play counts, ratings) does not touch the index.
CREATE VIRTUAL TABLE `tracks_fts` USING fts5(
  title, artist, album, album_artist, genre, label, comment, file_name,
  content='tracks', content_rowid='seq',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
--> statement-breakpoint
CREATE TRIGGER `tracks_fts_ai` AFTER INSERT ON `tracks` BEGIN
  INSERT INTO tracks_fts(rowid, title, artist, album, album_artist, genre, label, comment, file_name)
  VALUES (new.seq, new.title, new.artist, new.album, new.album_artist, new.genre, new.label, new.comment, new.file_name);
END;
--> statement-breakpoint
CREATE TRIGGER `tracks_fts_ad` AFTER DELETE ON `tracks` BEGIN
  INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album, album_artist, genre, label, comment, file_name)
  VALUES ('delete', old.seq, old.title, old.artist, old.album, old.album_artist, old.genre, old.label, old.comment, old.file_name);
END;
--> statement-breakpoint
CREATE TRIGGER `tracks_fts_au` AFTER UPDATE OF title, artist, album, album_artist, genre, label, comment, file_name ON `tracks` BEGIN
  INSERT INTO tracks_fts(tracks_fts, rowid, title, artist, album, album_artist, genre, label, comment, file_name)
  VALUES ('delete', old.seq, old.title, old.artist, old.album, old.album_artist, old.genre, old.label, old.comment, old.file_name);
  INSERT INTO tracks_fts(rowid, title, artist, album, album_artist, genre, label, comment, file_name)
  VALUES (new.seq, new.title, new.artist, new.album, new.album_artist, new.genre, new.label, new.comment, new.file_name);
END;
--> statement-breakpoint
-- Every indexed term with its document count: the vocabulary for "did you mean".
CREATE VIRTUAL TABLE `tracks_fts_vocab` USING fts5vocab(tracks_fts, 'row');
