DROP TABLE sftp_uploads;
DROP TABLE sftp_keys;
DROP TABLE sftp_logins;
