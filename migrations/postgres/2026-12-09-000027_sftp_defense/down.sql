DROP TABLE sftp_defense;
