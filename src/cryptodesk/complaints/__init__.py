"""The complaint workflow: required facts, severity, escalation, remedies with four-eyes
approval, and the follow-up that asks whether the resolution satisfied the customer."""
