"""Plain, domain-neutral records and the column tables the rankers read.

A *round* is anything an investor can join: a Crunchbase funding round, or a marketplace
funding need. An *interaction* says an investor took part in a round (``kind`` "funded"), or
something weaker the marketplace records ("intro_accepted", "dismissed"). An *investor* carries
the content it declares (region, a thesis: sectors, stage band, ticket range, text, the
incubators it works with). Nothing here names Crunchbase or the web app: adapters build these
records (``recommender.datasets`` for Crunchbase, ``marketplace/recs.py`` for the database).

Dates are whole days; tables keep them as ``int64`` days since 1970-01-01.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date

import numpy as np

EPOCH = date(1970, 1, 1)

# How much each kind of interaction counts as evidence that an investor likes a round.
# "dismissed" counts as none in the profiles and is a feature of its own; "saved" is a bookmark,
# kept in the data but not taken as taking part (it would read as "earlier investor").
KIND_WEIGHTS: dict[str, float] = {"funded": 1.0, "intro_accepted": 0.5, "intro_requested": 0.25,
                                  "saved": 0.0, "dismissed": 0.0}


def distinct(values) -> np.ndarray:
    """``np.unique(values)`` of numbers or fixed-width text, by sorting. numpy 2.3+ finds distinct
    values with a hash table, which took 60 times as long as sorting on a million distinct int64
    (numpy 2.4.6), the size of this package's (company, investor) keys."""
    a = np.sort(np.ravel(values))
    if a.dtype.kind not in "iubU" or len(a) == 0:  # NaNs (one of them kept) and objects: numpy's way
        return np.unique(a)
    first = np.empty(len(a), dtype=bool)
    first[0] = True
    np.not_equal(a[1:], a[:-1], out=first[1:])
    return a[first]


def lookup(vocab: np.ndarray, values) -> np.ndarray:
    """Positions of ``values`` in the sorted ``vocab``; ``len(vocab)`` (the unknown value) if absent."""
    values = np.asarray(values, dtype=str)
    if len(vocab) == 0:
        return np.zeros(len(values), dtype=np.int64)
    # searched at the vocabulary's own width: at a wider one numpy would copy the whole vocabulary
    # (a query a server makes per match); a value cut to that width cannot be in it
    known = True
    if vocab.dtype.kind == "U" and values.dtype.itemsize > vocab.dtype.itemsize:
        known = np.strings.str_len(values) <= vocab.dtype.itemsize // np.dtype("U1").itemsize
        values = values.astype(vocab.dtype)
    pos = np.minimum(np.searchsorted(vocab, values), len(vocab) - 1)
    return np.where(known & (vocab[pos] == values), pos, len(vocab)).astype(np.int64)


def to_day(value: date | str | int | np.integer) -> int:
    """A date, ``YYYY-MM-DD`` text or a day number -> days since 1970-01-01."""
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, str):
        value = date.fromisoformat(value.strip()[:10])
    return (value - EPOCH).days


def from_day(day: int) -> date:
    return date.fromordinal(EPOCH.toordinal() + int(day))


def add_years(day: int, years: int) -> int:
    """The same calendar day ``years`` later (or earlier); 29 February becomes 28 February."""
    d = from_day(day)
    try:
        return to_day(d.replace(year=d.year + years))
    except ValueError:
        return to_day(d.replace(year=d.year + years, day=28))


@dataclass(frozen=True)
class Round:
    """Something to invest in, as known when it opens (never who joined it)."""

    key: str
    company: str
    date: date | str
    sector: str = ""
    sector_group: str = ""
    stage: str = ""  # a label: "series_a", or a Crunchbase round type such as "venture"
    stage_rank: float | None = None  # its rung on the stage ladder, None when it names none
    region: str = ""
    amount: float | None = None  # in one currency across a data set; the most the round asks for
    text: str = ""
    incubator: str = ""
    amount_min: float | None = None  # the least it would take, when it asks for a range
    # Every sector it is in, ``sector`` (the one the features use) first, and their groups: a
    # marketplace need or startup names up to three, and a reason says a thesis covering any of them
    # fits it on sector, as the marketplace's filters do. Empty: ``sector`` alone.
    sectors: tuple[str, ...] = ()
    sector_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interaction:
    investor: str
    round: str  # a Round.key
    kind: str = "funded"
    day: date | str | int | None = None  # when it was done; None: the round's day (an investment)


@dataclass(frozen=True)
class Investor:
    """What an investor declares; every field may be empty (history then speaks for it)."""

    id: str
    region: str = ""
    kind: str = ""  # e.g. "angel", "vc", "corporate", "bank": investors of a kind share habits
    sectors: tuple[str, ...] = ()
    sector_groups: tuple[str, ...] = ()
    stage_min: float | None = None
    stage_max: float | None = None
    ticket_min: float | None = None
    ticket_max: float | None = None
    regions: tuple[str, ...] = ()
    text: str = ""
    incubators: tuple[str, ...] = ()
    since: date | str | int | None = None  # the day it joined (a sign-up); None: known from its history
    declared: date | str | int | None = None  # the day it declared this; None: declared from the start


def _record(cls, item):
    if isinstance(item, cls):
        return item
    if isinstance(item, Mapping):
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in item.items() if k in names})
    raise TypeError(f"expected {cls.__name__} or a mapping, got {type(item).__name__}")


def _text(values) -> np.ndarray:
    return np.array([("" if v is None else str(v)) for v in values], dtype=object)


def _float(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)


@dataclass
class RoundTable:
    """Rounds as columns. ``key`` is unique."""

    key: np.ndarray
    company: np.ndarray
    day: np.ndarray
    sector: np.ndarray
    sector_group: np.ndarray
    stage: np.ndarray
    stage_rank: np.ndarray
    region: np.ndarray
    amount: np.ndarray
    text: np.ndarray
    incubator: np.ndarray
    amount_min: np.ndarray | None = None  # NaN where a round asks for one amount; None: all of them
    sectors: np.ndarray | None = None  # ``Round.sectors``, space-separated; None: ``sector`` alone
    sector_groups: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.amount_min is None:
            self.amount_min = np.full(len(self.key), np.nan)
        if self.sectors is None:
            self.sectors = self.sector.copy()
        if self.sector_groups is None:
            self.sector_groups = self.sector_group.copy()

    @classmethod
    def from_records(cls, records: Iterable[Round | Mapping]) -> RoundTable:
        rows = [_record(Round, r) for r in records]
        return cls(
            key=_text(r.key for r in rows), company=_text(r.company for r in rows),
            day=np.array([to_day(r.date) for r in rows], dtype=np.int64),
            sector=_text(r.sector for r in rows), sector_group=_text(r.sector_group for r in rows),
            stage=_text(r.stage for r in rows), stage_rank=_float(r.stage_rank for r in rows),
            region=_text(r.region for r in rows), amount=_float(r.amount for r in rows),
            text=_text(r.text for r in rows), incubator=_text(r.incubator for r in rows),
            amount_min=_float(r.amount_min for r in rows),
            sectors=_text(" ".join(r.sectors) if r.sectors else r.sector for r in rows),
            sector_groups=_text(" ".join(r.sector_groups) if r.sector_groups else r.sector_group for r in rows),
        )

    @classmethod
    def empty(cls) -> RoundTable:
        return cls.from_records([])

    def __len__(self) -> int:
        return len(self.key)

    def least_amount(self, rows) -> np.ndarray:
        """The least amount each round would take: its ``amount_min``, else its one amount."""
        return np.fmin(self.amount_min[rows], self.amount[rows])

    def all_sectors(self, row: int) -> tuple[set[str], set[str]]:
        """Round ``row``'s sectors and their groups (``Round.sectors``)."""
        return set(self.sectors[row].split()), set(self.sector_groups[row].split())

    def take(self, index) -> RoundTable:
        index = np.asarray(index, dtype=np.int64) if not isinstance(index, np.ndarray) or index.dtype != bool else index
        return RoundTable(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def records(self) -> list[Round]:
        out = []
        for i in range(len(self)):
            out.append(Round(key=self.key[i], company=self.company[i], date=from_day(self.day[i]),
                             sector=self.sector[i], sector_group=self.sector_group[i], stage=self.stage[i],
                             stage_rank=None if np.isnan(self.stage_rank[i]) else float(self.stage_rank[i]),
                             region=self.region[i], amount=None if np.isnan(self.amount[i]) else float(self.amount[i]),
                             text=self.text[i], incubator=self.incubator[i],
                             amount_min=None if np.isnan(self.amount_min[i]) else float(self.amount_min[i]),
                             sectors=tuple(self.sectors[i].split()), sector_groups=tuple(self.sector_groups[i].split())))
        return out


@dataclass
class InvestorTable:
    """Investors as columns; list-valued fields are tuples in object arrays. ``id`` is unique."""

    id: np.ndarray
    region: np.ndarray
    kind: np.ndarray
    sectors: np.ndarray
    sector_groups: np.ndarray
    stage_min: np.ndarray
    stage_max: np.ndarray
    ticket_min: np.ndarray
    ticket_max: np.ndarray
    regions: np.ndarray
    text: np.ndarray
    incubators: np.ndarray
    since: np.ndarray  # day numbers as floats, NaN when not given
    declared: np.ndarray  # the same

    @classmethod
    def from_records(cls, records: Iterable[Investor | Mapping]) -> InvestorTable:
        rows = [_record(Investor, r) for r in records]

        def tuples(name):
            out = np.empty(len(rows), dtype=object)
            out[:] = [tuple(getattr(r, name) or ()) for r in rows]
            return out

        return cls(
            id=_text(r.id for r in rows), region=_text(r.region for r in rows), kind=_text(r.kind for r in rows),
            sectors=tuples("sectors"), sector_groups=tuples("sector_groups"),
            stage_min=_float(r.stage_min for r in rows), stage_max=_float(r.stage_max for r in rows),
            ticket_min=_float(r.ticket_min for r in rows), ticket_max=_float(r.ticket_max for r in rows),
            regions=tuples("regions"), text=_text(r.text for r in rows), incubators=tuples("incubators"),
            since=_float(None if r.since is None else to_day(r.since) for r in rows),
            declared=_float(None if r.declared is None else to_day(r.declared) for r in rows),
        )

    def __len__(self) -> int:
        return len(self.id)

    def take(self, index) -> InvestorTable:
        index = np.asarray(index, dtype=np.int64) if not isinstance(index, np.ndarray) or index.dtype != bool else index
        return InvestorTable(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def with_ids(self, ids: Sequence[str]) -> InvestorTable:
        """The rows of ``ids`` in that order; an id not in the table gets an empty row."""
        ids = _text(ids)
        # as fixed-width text: numpy's set operations on object arrays are orders of magnitude slower
        missing = np.setdiff1d(ids.astype(str), self.id.astype(str)) if len(ids) else ids
        table = self
        if len(missing):
            table = concat_investors(self, InvestorTable.from_records(Investor(id=i) for i in missing))
        order = np.argsort(table.id, kind="stable")
        return table.take(order[np.searchsorted(table.id[order], ids)])


def concat_investors(a: InvestorTable, b: InvestorTable) -> InvestorTable:
    return InvestorTable(**{f.name: np.concatenate([getattr(a, f.name), getattr(b, f.name)])
                            for f in fields(a)})


# What an investor declares, as against who it is (id, region, kind, since).
DECLARED = ("sectors", "sector_groups", "stage_min", "stage_max", "ticket_min", "ticket_max", "regions", "text",
            "incubators", "declared")


def declared_on(investors: InvestorTable, revisions: InvestorTable, day: int) -> InvestorTable:
    """``investors`` with what each declared on ``day``: of its declarations (its row and its earlier
    ``revisions``), the last made before ``day``, else its first. A thesis rewritten after the
    investor funded its rounds must not explain them; one with no earlier version is taken to have
    held from the start, or a marketplace younger than the replay could never learn from theses.
    Declarations are dated by the day: of two made the same day, the investor's own row stands."""
    if not len(revisions):
        return investors
    everything = concat_investors(revisions, investors)  # on a tie the later row stands: its own
    made = np.nan_to_num(everything.declared, nan=-np.inf)
    ids = everything.id.astype(str)
    # per id: the rows made before the day, latest last, then (if none) the first made
    before = made < day
    order = np.lexsort((np.where(before, made, -made), before, ids))
    last = np.r_[ids[order][1:] != ids[order][:-1], True]
    chosen = dict(zip(ids[order][last], order[last], strict=True))
    rows = np.array([chosen[i] for i in investors.id.astype(str)], dtype=np.int64)
    out = InvestorTable(**{f.name: getattr(investors, f.name).copy() for f in fields(investors)})
    for name in DECLARED:
        getattr(out, name)[:] = getattr(everything, name)[rows]
    return out


@dataclass
class Dataset:
    """What is known at ``as_of``: rounds, who joined them, and what investors declare.

    ``interactions`` are four aligned arrays: ``investor`` (ids), ``round`` (row numbers in
    ``rounds``), ``kind`` and ``day``, the day it became known: when it was done, and never before
    its round's day (an intro accepted weeks after the need was posted is not known on the day of
    the need). Every round is dated before ``as_of``.
    """

    rounds: RoundTable
    investor: np.ndarray
    round: np.ndarray
    kind: np.ndarray
    investors: InvestorTable
    as_of: int
    meta: dict = field(default_factory=dict)
    day: np.ndarray | None = None  # None: each interaction's round's day
    revisions: InvestorTable | None = None  # earlier declarations of ``investors``, each dated (``declared``)

    def __post_init__(self) -> None:
        at_round = self.rounds.day[self.round].astype(np.int64)
        self.day = at_round if self.day is None else np.maximum(np.asarray(self.day, dtype=np.int64), at_round)
        if self.revisions is None:
            self.revisions = InvestorTable.from_records(())

    @classmethod
    def from_records(cls, rounds: Iterable[Round | Mapping], interactions: Iterable[Interaction | Mapping],
                     investors: Iterable[Investor | Mapping] = (), as_of: date | str | int | None = None,
                     revisions: Iterable[Investor | Mapping] = ()) -> Dataset:
        """``revisions``: what investors declared before what ``investors`` says, each with its day."""
        table = RoundTable.from_records(rounds)
        if len(np.unique(table.key)) != len(table):
            raise ValueError("round keys must be unique")
        links = [_record(Interaction, r) for r in interactions]
        order = np.argsort(table.key, kind="stable")
        keys = _text(x.round for x in links)
        pos = np.searchsorted(table.key[order], keys) if len(keys) else np.zeros(0, np.int64)
        pos = np.minimum(pos, max(len(order) - 1, 0))
        if len(keys) and (len(order) == 0 or np.any(table.key[order][pos] != keys)):
            raise ValueError("an interaction names a round that is not among the rounds")
        investor_table = InvestorTable.from_records(investors)
        investor_ids = _text(x.investor for x in links)
        known = np.unique(np.concatenate([investor_table.id, investor_ids]))
        investor_table = investor_table.with_ids(known)
        day = (int(table.day.max()) + 1 if len(table) else 0) if as_of is None else to_day(as_of)
        # -1 where no day is given: ``__post_init__`` raises every day to its round's
        done = np.array([-1 if x.day is None else to_day(x.day) for x in links], dtype=np.int64)
        return cls(rounds=table, investor=investor_ids, round=order[pos].astype(np.int64) if len(keys) else
                   np.zeros(0, np.int64), kind=_text(x.kind for x in links), investors=investor_table, as_of=day,
                   day=done, revisions=InvestorTable.from_records(revisions))

    def before(self, day: date | str | int) -> Dataset:
        """What was known on ``day``: the rounds dated earlier, the interactions known earlier, and
        the investors but those first heard of later: no interaction known earlier, and one known
        later or a sign-up (``since``) on or after ``day``. An investor with neither stays: it is known
        by what it declares. Even how many investors will appear is not known on ``day``: it would
        move every IDF of the features. Each investor says what it had declared then (``declared_on``)."""
        day = to_day(day)
        keep = self.rounds.day < day
        new_index = np.cumsum(keep) - 1
        linked = self.day < day
        ids = np.asarray(self.investors.id, dtype=str)
        later = (np.isin(ids, np.asarray(self.investor[~linked], dtype=str)) | (self.investors.since >= day)) & \
            ~np.isin(ids, np.asarray(self.investor[linked], dtype=str))
        investors = self.investors.take(np.flatnonzero(~later)) if later.any() else self.investors
        return Dataset(rounds=self.rounds.take(np.flatnonzero(keep)), investor=self.investor[linked],
                       round=new_index[self.round[linked]], kind=self.kind[linked],
                       investors=declared_on(investors, self.revisions, day), as_of=min(day, self.as_of),
                       meta=dict(self.meta), day=self.day[linked],
                       revisions=self.revisions.take(np.flatnonzero(self.revisions.declared < day)))

    def rounds_between(self, start: date | str | int, end: date | str | int) -> np.ndarray:
        """Row numbers of the rounds dated in ``[start, end)``."""
        start, end = to_day(start), to_day(end)
        return np.flatnonzero((self.rounds.day >= start) & (self.rounds.day < end))

    def weights(self) -> np.ndarray:
        """Each interaction's weight as evidence of interest (``KIND_WEIGHTS``; unknown kinds 0)."""
        out = np.zeros(len(self.kind), dtype=np.float64)
        for kind, weight in KIND_WEIGHTS.items():
            out[self.kind == kind] = weight
        return out

    def positive(self) -> np.ndarray:
        """A mask of the interactions that are evidence of interest."""
        return self.weights() > 0

    def investor_rounds(self, min_rounds: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(ids, distinct positive rounds) of the investors with at least ``min_rounds`` of them."""
        mask = self.positive()
        if not mask.any():
            return np.zeros(0, dtype=object), np.zeros(0, np.int64)
        ids, inv = self._distinct_investors(self.investor[mask])
        pairs = distinct(inv.astype(np.int64) * (len(self.rounds) + 1) + self.round[mask])
        counts = np.bincount(pairs // (len(self.rounds) + 1), minlength=len(ids))
        keep = counts >= min_rounds
        return ids[keep], counts[keep]

    def _distinct_investors(self, names: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``np.unique(names, return_inverse=True)``, found in the investor table when it is sorted
        and holds every name: a search, where sorting a million names took seconds."""
        table = np.asarray(self.investors.id, dtype=str)
        if len(table) and len(names) and np.all(table[:-1] < table[1:]):
            codes = lookup(table, names)
            if np.all(codes < len(table)):
                present, inverse = np.unique(codes, return_inverse=True)
                return np.asarray(self.investors.id)[present].astype(names.dtype), inverse
        return np.unique(names, return_inverse=True)

    def summary(self) -> dict:
        return {"rounds": int(len(self.rounds)), "interactions": int(len(self.investor)),
                "investors": int(len(np.unique(self.investor))), "as_of": from_day(self.as_of).isoformat()}


def round_dict(r: Round) -> dict:
    out = asdict(r)
    out["date"] = str(out["date"])
    return out
