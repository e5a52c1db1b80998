-- a comment
BEGIN;
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
/* block
   comment */
CREATE INDEX CONCURRENTLY users_email ON users (lower(email));
ALTER TABLE users ADD COLUMN name text DEFAULT 'x;y';
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;
COMMIT;
DO $body$ BEGIN PERFORM 1; END $body$;
