DROP TABLE packages;
DROP TABLE label_jobs;
