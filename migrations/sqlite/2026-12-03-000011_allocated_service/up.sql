-- What a label purchase does when TikTok allocates the one shipping service itself (US TikTok
-- Shipping label allocation) and the package's supplier does not list it as accepted:
-- 'buy_and_warn' (buy it, say so on the order) or 'hold' (hold the package with the reason).
ALTER TABLE workspaces ADD COLUMN allocated_service TEXT NOT NULL DEFAULT 'buy_and_warn';
