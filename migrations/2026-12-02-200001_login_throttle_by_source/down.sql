DELETE FROM login_throttle;
ALTER TABLE login_throttle DROP CONSTRAINT login_throttle_pkey;
ALTER TABLE login_throttle DROP COLUMN source;
ALTER TABLE login_throttle ADD PRIMARY KEY (username);
