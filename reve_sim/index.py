"""Compressed sparse row (CSR) indices built by counting sort, in linear time.

Every index lists its members in increasing row order, so loops over an index
visit entities in a fixed order (the fixed order float reductions need).
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from .twins import serial_twins


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
def undirected_csr(src, dst, n):
    """Symmetric, de-duplicated adjacency without self-loops, neighbours sorted (linear in the
    number of edges up to the small per-row sorts)."""
    deg = np.zeros(n + 1, dtype=np.int64)
    for e in range(src.shape[0]):
        if src[e] != dst[e]:
            deg[src[e] + 1] += 1
            deg[dst[e] + 1] += 1
    for i in range(n):
        deg[i + 1] += deg[i]
    cols = np.empty(deg[n], dtype=np.int32)
    fill = deg[:-1].copy()
    for e in range(src.shape[0]):
        a, b = src[e], dst[e]
        if a != b:
            cols[fill[a]] = b
            fill[a] += 1
            cols[fill[b]] = a
            fill[b] += 1
    ptr = np.zeros(n + 1, dtype=np.int64)
    k = 0
    previous = -1
    for i in range(n):
        cols[deg[i]:deg[i + 1]].sort()  # in place: no array allocated per actor
        for j in range(deg[i], deg[i + 1]):
            if j == deg[i] or cols[j] != previous:
                cols[k] = cols[j]  # k <= j: only entries already read are overwritten
                k += 1
            previous = cols[j]
        ptr[i + 1] = k
    return ptr, cols[:k].copy()


@njit(cache=True)
def sorted_union(a, b):
    """Union of two increasing arrays of distinct values, increasing (a linear merge)."""
    out = np.empty(a.shape[0] + b.shape[0], dtype=np.int64)
    i = j = k = 0
    while i < a.shape[0] or j < b.shape[0]:
        if j >= b.shape[0] or (i < a.shape[0] and a[i] < b[j]):
            out[k] = a[i]
            i += 1
        elif i >= a.shape[0] or b[j] < a[i]:
            out[k] = b[j]
            j += 1
        else:
            out[k] = a[i]
            i += 1
            j += 1
        k += 1
    return out[:k].copy()


BLOCK = 4096
"""Rows per block of a parallel pass. Blocks have a fixed size, so a reduction that adds
per-block partial results in block order gives the same bits whatever the thread count."""


@njit(cache=True, inline="always")
def holds_membership(coll, i):
    """Whether actor ``i`` holds a membership. Without a branch per slot: which slots are
    empty follows no pattern that the processor could predict."""
    top = coll[i, 0]
    for s in range(1, coll.shape[1]):
        top = max(top, coll[i, s])
    return top >= 0


@njit(parallel=True, cache=True)
def member_rows(coll):
    """Rows of the actors holding at least one membership, increasing: the membership
    kernels visit only these (a minority of actors at large sizes). Two parallel passes over
    fixed blocks: count, then write at each block's offset."""
    n = coll.shape[0]
    n_blocks = (n + BLOCK - 1) // BLOCK
    offset = np.zeros(n_blocks + 1, dtype=np.int64)
    for b in prange(n_blocks):
        k = 0
        for i in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            k += holds_membership(coll, i)
        offset[b + 1] = k
    for b in range(n_blocks):
        offset[b + 1] += offset[b]
    out = np.empty(offset[n_blocks], dtype=np.int64)
    for b in prange(n_blocks):
        k, stop = offset[b], offset[b + 1]
        for i in range(b * BLOCK, min(n, (b + 1) * BLOCK)):
            if k < stop:  # past the block's last member: the next block's entries
                out[k] = i  # overwritten by the next member unless actor i holds one
            k += holds_membership(coll, i)
    return out


@njit(cache=True)
def marked_slots(rows, flag):
    """(row, slot) of the slots flagged non-zero among ``rows``, in row order; flags are
    cleared."""
    m = flag.shape[1]
    out_r = np.empty(rows.shape[0] * m, dtype=np.int64)
    out_s = np.empty(rows.shape[0] * m, dtype=np.int64)
    k = 0
    for i in rows:
        for s in range(m):
            if flag[i, s]:
                out_r[k] = i
                out_s[k] = s
                flag[i, s] = 0
                k += 1
    return out_r[:k].copy(), out_s[:k].copy()


@njit(cache=True)
def slots_in(rows, coll, died, week):
    """(row, slot) of the memberships, among ``rows``, of collectives that died in ``week``."""
    m = coll.shape[1]
    out_r = np.empty(rows.shape[0] * m, dtype=np.int64)
    out_s = np.empty(rows.shape[0] * m, dtype=np.int64)
    k = 0
    for i in rows:
        for s in range(m):
            c = coll[i, s]
            if c >= 0 and died[c] == week:
                out_r[k] = i
                out_s[k] = s
                k += 1
    return out_r[:k].copy(), out_s[:k].copy()


SERIAL = serial_twins(globals())
"""The same functions without threads, for small models (see reve_sim.twins)."""
