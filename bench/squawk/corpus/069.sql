INSERT INTO settings (key, value) VALUES ('mode', 'on');
