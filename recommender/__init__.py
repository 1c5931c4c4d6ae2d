"""The ranking behind every match: a plain scikit-learn-shaped package.

It takes plain records or arrays and never imports Flask, SQLAlchemy or ``marketplace``;
``marketplace/recs.py`` is the one adapter between database rows and this package.

Modules:

* ``records``: the domain-neutral records (rounds or needs, interactions, investors) and their
  column tables; ``Dataset`` is what is known at a date.
* ``features``: ``PairFeaturizer``, pair features for (round, investor) from content and history.
* ``base``: the ranker interface every ranker shares (``fit(history)``, ``score(rounds, investors)``).
* ``baselines``: random, most active, sector-and-stage (+ earlier investors), TF-IDF profiles.
* ``model``: ``LearnedRanker``, a log-linear model re-ranked by gradient-boosted trees.
* ``rank``: top-k lists with reason codes.
* ``io``: saving and loading a fitted ranker as arrays + JSON (no pickle).
* ``evaluate``: the offline benchmark on a Crunchbase-format export (``python -m recommender.evaluate``).
* ``crunchbase``: reading Crunchbase exports; ``datasets``: turning them into records.
* ``synthetic``: seeded synthetic histories for tests and benchmarks.
"""
