-- How a supplier's batch prints: 'separate' (labels.pdf and tickets.pdf, the same order) or
-- 'pairs' (print.pdf: each ticket followed by its label).
ALTER TABLE suppliers ADD COLUMN print_layout TEXT NOT NULL DEFAULT 'separate';
