CREATE UNIQUE INDEX IF NOT EXISTS users_email_uidx ON users (email);
