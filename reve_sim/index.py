"""Compressed sparse row (CSR) indices built by counting sort, in linear time.

Every index lists its members in increasing row order, so loops over an index
visit entities in a fixed order (the fixed order float reductions need).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def group_index(group, n_groups):
    """CSR of rows by group: rows of group g are ``rows[ptr[g]:ptr[g+1]]``; group -1 is skipped."""
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    for i in range(group.shape[0]):
        g = group[i]
        if g >= 0:
            ptr[g + 1] += 1
    for g in range(n_groups):
        ptr[g + 1] += ptr[g]
    rows = np.empty(ptr[n_groups], dtype=np.int64)
    fill = ptr[:-1].copy()
    for i in range(group.shape[0]):
        g = group[i]
        if g >= 0:
            rows[fill[g]] = i
            fill[g] += 1
    return ptr, rows


@njit(cache=True)
def slot_index(coll, n_collectives):
    """CSR of membership slots by collective: flat slot ids ``actor * M + slot``."""
    return group_index(coll.ravel(), n_collectives)


def undirected_csr(src: np.ndarray, dst: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric, de-duplicated adjacency without self-loops, neighbours sorted."""
    a = np.concatenate([src, dst]).astype(np.int64)
    b = np.concatenate([dst, src]).astype(np.int64)
    keep = a != b
    pairs = np.unique(a[keep] * n + b[keep])
    rows, cols = pairs // n, pairs % n
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(rows, minlength=n))
    return ptr, cols.astype(np.int32)
