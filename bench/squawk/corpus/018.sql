ALTER TABLE users ADD COLUMN title varchar(255);
