"""The payments domain: money in through Stripe (pay-ins, their states, webhooks)."""
