"""The ranking behind every match: a plain scikit-learn-shaped package.

It takes plain records or arrays and never imports Flask, SQLAlchemy or ``marketplace``;
``marketplace/recs.py`` is the one adapter between database rows and this package.
"""
