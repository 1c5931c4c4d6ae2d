"""Saving and loading a fitted ``LearnedRanker`` without pickle.

A model is a folder with two files:

* ``arrays.npz``: every learned array (numbers and fixed-width text; sparse matrices as their
  CSR parts), read back with ``allow_pickle=False``;
* ``model.json``: the format version, the parameters, when and on what it was trained (the
  history's ``as_of`` date and size), and whatever figures the caller adds (validation scores).
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from .features import PairFeaturizer
from .model import LearnedRanker, LogLinear, NeuralNet, TreeEnsemble
from .records import from_day

FORMAT = "zhangjiang-match/recommender"
VERSION = 2  # 2: the neural net's layers (net/coef_K, net/intercept_K)
ARRAYS, META = "arrays.npz", "model.json"


def _plain(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _learned(obj) -> dict:
    return {k: v for k, v in vars(obj).items() if k.endswith("_") and not k.startswith("_")}


def _put(arrays: dict, scalars: dict, prefix: str, name: str, value) -> None:
    key = f"{prefix}/{name}"
    if value is None or isinstance(value, (bool, int, float, str, np.integer, np.floating)):
        scalars[name] = _plain(value)
    elif sp.issparse(value):
        m = sp.csr_matrix(value)
        arrays[f"{key}/data"], arrays[f"{key}/indices"], arrays[f"{key}/indptr"] = m.data, m.indices, m.indptr
        arrays[f"{key}/shape"] = np.array(m.shape, dtype=np.int64)
        scalars[name] = {"sparse": "csr"}
    elif isinstance(value, np.ndarray):
        arrays[key] = value.astype(str) if value.dtype == object else value
    elif isinstance(value, dict):
        scalars[name] = _plain(value)
    else:
        raise TypeError(f"cannot save {prefix}.{name} of type {type(value).__name__}")


def _get(arrays, scalars: dict, prefix: str) -> dict:
    out = {}
    for name, value in scalars.items():
        if isinstance(value, dict) and value.get("sparse") == "csr":
            key = f"{prefix}/{name}"
            out[name] = sp.csr_matrix((arrays[f"{key}/data"], arrays[f"{key}/indices"], arrays[f"{key}/indptr"]),
                                      shape=tuple(arrays[f"{key}/shape"]))
        else:
            out[name] = value
    start = f"{prefix}/"
    for key in arrays.files:
        if key.startswith(start) and "/" not in key[len(start):]:
            out[key[len(start):]] = arrays[key]
    return out


def save(ranker: LearnedRanker, path: str | Path, figures: dict | None = None) -> Path:
    """Write a fitted ranker to the folder ``path``; ``figures`` (e.g. validation scores) go in the JSON."""
    if not hasattr(ranker, "featurizer_"):
        raise ValueError("the ranker is not fitted")
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    state: dict[str, dict] = {"featurizer": {}, "linear": {}, "ranker": {}}
    for name, value in _learned(ranker.featurizer_).items():
        _put(arrays, state["featurizer"], "featurizer", name, value)
    for name, value in _learned(ranker.linear_).items():
        _put(arrays, state["linear"], "linear", name, value)
    for name in ("investors_", "feature_names_"):
        _put(arrays, state["ranker"], "ranker", name, getattr(ranker, name))
    trees = None
    if ranker.trees_ is not None:
        for f, values in ranker.trees_.nodes.items():
            arrays[f"trees/{f}"] = values
        arrays["trees/offsets"] = ranker.trees_.offsets
        arrays["trees/columns"] = ranker.trees_.columns
        trees = {"baseline": ranker.trees_.baseline, "count": int(len(ranker.trees_.offsets) - 1)}
    net = None
    if ranker.net_ is not None:
        for k, (W, b) in enumerate(zip(ranker.net_.coefs, ranker.net_.intercepts)):
            arrays[f"net/coef_{k}"], arrays[f"net/intercept_{k}"] = W, b
        net = {"layers": len(ranker.net_.coefs)}
    info = ranker.training_info_
    meta = {
        "format": FORMAT, "version": VERSION,
        "saved_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "trained_on": {"as_of": info.get("as_of"), "rounds": info.get("rounds"),
                       "interactions": info.get("interactions"), "investors": info.get("investors"),
                       "training_pairs": info.get("pairs"), "positives": info.get("positives")},
        "params": _plain(ranker.get_params()),
        "featurizer_params": _plain(ranker.featurizer_.get_params()),
        "linear_params": _plain(ranker.linear_.get_params()),
        "trees": trees, "net": net, "state": state, "training_info": _plain(info), "figures": _plain(figures or {}),
    }
    np.savez_compressed(path / ARRAYS, **arrays)
    (path / META).write_text(json.dumps(meta, indent=2, sort_keys=True), encoding="utf-8")
    return path


def load(path: str | Path) -> LearnedRanker:
    """Read a ranker written by ``save``; refuses other formats and newer versions."""
    path = Path(path)
    meta = json.loads((path / META).read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT or int(meta.get("version", 0)) > VERSION:
        raise ValueError(f"{path} is not a model this code can read (format {meta.get('format')!r}, "
                         f"version {meta.get('version')!r})")
    with np.load(path / ARRAYS, allow_pickle=False) as npz:
        ranker = LearnedRanker(**meta["params"])
        featurizer = PairFeaturizer(**meta["featurizer_params"])
        for name, value in _get(npz, meta["state"]["featurizer"], "featurizer").items():
            setattr(featurizer, name, value)
        linear = LogLinear(**meta["linear_params"])
        for name, value in _get(npz, meta["state"]["linear"], "linear").items():
            setattr(linear, name, value)
        for name, value in _get(npz, meta["state"]["ranker"], "ranker").items():
            setattr(ranker, name, value)
        trees = None
        if meta["trees"] is not None:
            nodes = {f: npz[f"trees/{f}"] for f in TreeEnsemble.FIELDS}
            trees = TreeEnsemble(nodes, npz["trees/offsets"], meta["trees"]["baseline"], npz["trees/columns"])
        net = None
        if meta.get("net"):  # version 1 models have none
            layers = range(meta["net"]["layers"])
            net = NeuralNet([npz[f"net/coef_{k}"] for k in layers], [npz[f"net/intercept_{k}"] for k in layers])
    ranker.featurizer_, ranker.linear_, ranker.trees_, ranker.net_ = featurizer, linear, trees, net
    ranker.training_info_ = meta["training_info"]
    ranker.metadata_ = meta
    return ranker


def describe(path: str | Path) -> dict:
    """The JSON metadata of a saved model (without its arrays' state listing)."""
    meta = json.loads((Path(path) / META).read_text(encoding="utf-8"))
    meta.pop("state", None)
    as_of = meta.get("trained_on", {}).get("as_of")
    if isinstance(as_of, int):
        meta["trained_on"]["as_of_date"] = from_day(as_of).isoformat()
    return meta
