"""Use cases. Each takes a SQLAlchemy session and plain values, owns its transaction and
raises ``DomainError`` with field-level messages when it refuses; none needs a request."""
