"""Graph and clustering helpers on blocks: components, balanced clusters and contiguity.

Blocks are linked when they share a Voronoi edge. Buurten and wijken are built by clustering
blocks into groups of about equal population (a power diagram whose weights are tuned until the
groups balance) and then repairing the groups so that each is one contiguous piece.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.sparse import csgraph

from groengezond.synth.fields import FloatArray, IntArray


def adjacency_pairs(ridge_cells: IntArray) -> IntArray:
    """Pairs (m, 2) of blocks that share an edge (edges to the outside dropped)."""
    inside = (ridge_cells >= 0).all(axis=1)
    return np.asarray(ridge_cells[inside], dtype=np.int64)


def components(n: int, pairs: IntArray, mask: npt.NDArray[np.bool_]) -> IntArray:
    """Connected components of the blocks in ``mask``; -1 for blocks outside it.

    Parameters
    ----------
    n : int
        Number of blocks.
    pairs : ndarray (m, 2)
        Adjacent blocks.
    mask : ndarray of bool (n,)
        Blocks to take part.

    Returns
    -------
    ndarray of int (n,)
        Component label (0, 1, ...) per block in ``mask``, numbered in block order; -1 elsewhere.
    """
    sel = mask[pairs[:, 0]] & mask[pairs[:, 1]]
    p = pairs[sel]
    graph = sparse.coo_matrix((np.ones(len(p)), (p[:, 0], p[:, 1])), shape=(n, n)).tocsr()
    _, labels = csgraph.connected_components(graph, directed=False)
    out = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(mask)
    _, first, inv = np.unique(labels[idx], return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    out[idx] = rank[inv]
    return out


def balanced_clusters(xy: FloatArray, weight: FloatArray, k: int, rng: np.random.Generator,
                      iterations: int = 60) -> IntArray:
    """Split points into ``k`` compact clusters of about equal total weight.

    A power diagram: point i goes to the cluster j minimising
    :math:`\\lVert x_i - c_j \\rVert^2 - w_j`; centres :math:`c_j` move to the weighted
    centroids and the powers :math:`w_j` rise for light clusters and fall for heavy ones; the
    best-balanced assignment seen is returned.

    Parameters
    ----------
    xy : ndarray (n, 2)
        Point coordinates (m).
    weight : ndarray (n,)
        Weight per point (e.g. residents); zero weights are allowed.
    k : int
        Number of clusters (1 ≤ k ≤ n).
    rng : numpy.random.Generator
        Source of randomness for the initial centres.
    iterations : int
        Number of update rounds.

    Returns
    -------
    ndarray of int (n,)
        Cluster label 0..k-1 per point.
    """
    n = len(xy)
    k = int(min(max(k, 1), n))
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    w = weight + 1e-3 * max(float(weight.mean()), 1e-9) + 1e-12
    first = rng.choice(n, size=k, replace=False, p=w / w.sum())
    centres = xy[first].copy()
    power = np.zeros(k)
    spread = float(np.var(xy[:, 0]) + np.var(xy[:, 1])) / k
    target = w.sum() / k
    labels = np.zeros(n, dtype=np.int64)
    best, best_score = labels, np.inf
    for it in range(iterations):
        d2 = ((xy[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2) - power[None, :]
        labels = np.argmin(d2, axis=1)
        mass = np.bincount(labels, weights=w, minlength=k)
        score = float(np.abs(mass - target).max() / target)
        if score < best_score:
            best, best_score = labels, score
        for dim in range(2):
            num = np.bincount(labels, weights=w * xy[:, dim], minlength=k)
            centres[:, dim] = np.where(mass > 0, num / np.maximum(mass, 1e-12), centres[:, dim])
        step = 0.5 * spread * max(1.0 - it / iterations, 0.15)
        power += step * np.clip((target - mass) / target, -1.0, 1.0)
        empty = mass <= 0
        if empty.any():
            centres[empty] = xy[rng.choice(n, size=int(empty.sum()), p=w / w.sum())]
            power[empty] = 0.0
    labels = best
    _, labels = np.unique(labels, return_inverse=True)
    return np.asarray(labels, dtype=np.int64)


def make_contiguous(labels: IntArray, pairs: IntArray, weight: FloatArray,
                    group: IntArray | None = None, rounds: int = 8) -> IntArray:
    """Reassign detached pieces of each label to a neighbouring label.

    Each label keeps its heaviest connected piece; blocks of other pieces take the label of a
    neighbouring block (of the same ``group``) whose label is in its main piece.

    Parameters
    ----------
    labels : ndarray of int (n,)
        Label per block (unique across groups).
    pairs : ndarray (m, 2)
        Adjacent blocks.
    weight : ndarray (n,)
        Weight per block (which piece is the main one).
    group : ndarray of int (n,), optional
        Blocks may only move to labels within their own group (e.g. their gemeente).
    rounds : int
        Maximum rounds of repair.

    Returns
    -------
    ndarray of int (n,)
        Repaired labels.
    """
    labels = labels.copy()
    n = len(labels)
    grp = np.zeros(n, dtype=np.int64) if group is None else group
    for _ in range(rounds):
        same = labels[pairs[:, 0]] == labels[pairs[:, 1]]
        p = pairs[same]
        graph = sparse.coo_matrix((np.ones(len(p)), (p[:, 0], p[:, 1])), shape=(n, n)).tocsr()
        _, comp = csgraph.connected_components(graph, directed=False)
        comp_w = np.bincount(comp, weights=weight + 1e-6)
        # the main piece of each label is its heaviest component
        order = np.lexsort((-comp_w[comp], labels))
        main_comp = np.full(labels.max() + 1, -1, dtype=np.int64)
        first = np.ones(n, dtype=bool)
        first[1:] = labels[order][1:] != labels[order][:-1]
        main_comp[labels[order][first]] = comp[order][first]
        orphan = comp != main_comp[labels]
        if not orphan.any():
            break
        a, b = pairs[:, 0], pairs[:, 1]
        for x, y in ((a, b), (b, a)):
            ok = orphan[x] & ~orphan[y] & (grp[x] == grp[y]) & (labels[x] != labels[y])
            labels[x[ok]] = labels[y[ok]]
            orphan[x[ok]] = False
    return labels
