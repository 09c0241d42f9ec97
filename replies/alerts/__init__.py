"""Email alerts: follow a search, a department, a sector or a session without an account.

``models`` (subscriptions and what each was sent), ``tokens`` (signed links), ``forms``,
``views`` (sign-up, confirmation, unsubscribe, the manage page), ``mail`` (messages and their
headers), ``digest`` (which replies a subscription is owed, through the listing's own filters
and search) and ``sender`` (``manage.py send_alerts``). See docs/alerts.md.
"""
