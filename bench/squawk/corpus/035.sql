ALTER TABLE users ADD COLUMN visits integer;
