"""Pure rules of the JAG domain: dates, risk, harm, flags, the ladder and actions (no I/O)."""
