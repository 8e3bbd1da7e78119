"""RFC 9162 Merkle tree hashing and proofs, as pure functions over stored subtree hashes.

The tree is the one of RFC 9162 §2.1 (Certificate Transparency v2, same hashing as RFC 6962)::

    leaf_hash(d) = SHA-256(0x00 ‖ d)            node_hash(l, r) = SHA-256(0x01 ‖ l ‖ r)
    MTH({}) = SHA-256("")                       MTH(D[n]) = node_hash(MTH(D[0:k]), MTH(D[k:n]))

where k is the largest power of two smaller than n.

Persistence model. Only *perfect* subtrees are ever stored: node ``(level, index)`` is the hash of
the 2^level leaves ``[index·2^level, (index+1)·2^level)``; level 0 holds the leaf hashes. A perfect
node never changes once its last leaf is appended, so storage is write-once (about 2n rows for n
leaves). Every hash the RFC needs for a tree of any size is a fold of O(log n) perfect nodes, so
roots and proofs for *any* past size come from the same rows. Functions here read nodes through a
``get(level, index) -> bytes`` callable and never do I/O themselves; ``*_nodes`` functions list the
coordinates a computation will read, so that a SQL caller can fetch them in one query.

What this does not protect: the hashes prove that an entry is in the log at a position and that a
later tree extends an earlier one. They say nothing about *when* an entry was added (that needs a
timestamp) nor about entries that were never appended.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Coord",
    "Getter",
    "MemoryTree",
    "Node",
    "append_leaves",
    "appended_nodes",
    "consistency_nodes",
    "consistency_proof",
    "frontier",
    "frontier_nodes",
    "frontier_root",
    "inclusion_nodes",
    "inclusion_proof",
    "leaf_hash",
    "mth",
    "node_hash",
    "range_hash",
    "range_nodes",
    "root",
    "verify_consistency",
    "verify_inclusion",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
# RFC 9162 sizes and indices are uint64.
_MAX_SIZE = 2**64 - 1

Coord = tuple[int, int]
"""``(level, index)`` of a perfect subtree."""
Node = tuple[int, int, bytes]
"""``(level, index, hash)``: one row to store."""
Getter = Callable[[int, int], bytes]
"""Reads the stored hash of perfect node ``(level, index)``."""

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """SHA-256(0x00 ‖ entry), RFC 9162 §2.1.1. The prefix keeps leaves and nodes apart."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 ‖ left ‖ right), RFC 9162 §2.1.1."""
    return _sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (n ≥ 2): where RFC 9162 §2.1.1 splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def mth(leaves: Sequence[bytes]) -> bytes:
    """MTH over a list of *leaf hashes*, by the recursive definition of RFC 9162 §2.1.1.

    The reference the stored-node functions are tested against; O(n), so not for production.
    """
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


# -- appending ---------------------------------------------------------------------------------


def appended_nodes(index: int, leaf: bytes, get: Getter) -> list[Node]:
    """The perfect nodes created by appending leaf hash ``leaf`` at position ``index``.

    That is the leaf itself, then each ancestor that the leaf completes, reading left siblings
    through ``get``. Store every returned row; nothing stored before changes.
    """
    if index < 0:
        raise ValueError(f"leaf index {index} is negative")
    nodes = [(0, index, leaf)]
    level, h = 0, leaf
    while index & 1:
        h = node_hash(get(level, index - 1), h)
        index >>= 1
        level += 1
        nodes.append((level, index, h))
    return nodes


def frontier_nodes(size: int) -> list[Coord]:
    """The perfect subtrees that together cover leaves [0, size), largest (leftmost) first.

    One per set bit of ``size``: the "compact range" of the tree. Load these once, then append in
    batches with `append_leaves` without reading the store again.
    """
    coords: list[Coord] = []
    offset = 0
    for level in range(size.bit_length() - 1, -1, -1):
        if size >> level & 1:
            coords.append((level, offset >> level))
            offset += 1 << level
    return coords


def frontier(size: int, get: Getter) -> list[bytes]:
    """The hashes of `frontier_nodes` (size): the state `append_leaves` continues from."""
    return [get(level, index) for level, index in frontier_nodes(size)]


def frontier_root(hashes: Sequence[bytes]) -> bytes:
    """The root of the tree whose frontier is ``hashes`` (RFC 9162 §2.1.1 folded from the right)."""
    if not hashes:
        return EMPTY_ROOT
    r = hashes[-1]
    for h in reversed(hashes[:-1]):
        r = node_hash(h, r)
    return r


def append_leaves(
    size: int, front: Sequence[bytes], leaves: Iterable[bytes]
) -> tuple[list[Node], list[bytes]]:
    """Append leaf hashes to a tree of ``size`` leaves whose frontier is ``front``.

    Returns the new perfect nodes to store (in append order, each ``(level, index, hash)``) and
    the new frontier. No reads: the frontier holds every left sibling an append can need, because
    a completed subtree's left sibling is always the frontier's last element.
    """
    if len(front) != size.bit_count():
        raise ValueError(f"a tree of {size} leaves has {size.bit_count()} frontier hashes")
    stack = list(front)
    nodes: list[Node] = []
    n = size
    for leaf in leaves:
        nodes.append((0, n, leaf))
        h, index, level = leaf, n, 0
        while index & 1:
            h = _sha256(b"\x01" + stack.pop() + h).digest()
            index >>= 1
            level += 1
            nodes.append((level, index, h))
        stack.append(h)
        n += 1
    return nodes, stack


# -- reading: ranges, roots, proofs ------------------------------------------------------------


def range_nodes(start: int, end: int) -> list[Coord]:
    """The perfect nodes whose fold is MTH(D[start:end]), left to right.

    Only for ranges RFC 9162's recursion produces: ``start`` must be a multiple of the smallest
    power of two ≥ ``end - start``. Such a range splits into one perfect subtree per set bit of
    its length, largest first, each aligned.
    """
    length = end - start
    if start < 0 or length < 1:
        raise ValueError(f"empty or negative leaf range [{start}, {end})")
    if start & ((1 << (length - 1).bit_length()) - 1):
        raise ValueError(f"leaf range [{start}, {end}) is not one the RFC 9162 recursion produces")
    coords: list[Coord] = []
    for level in range(length.bit_length() - 1, -1, -1):
        if length >> level & 1:
            coords.append((level, start >> level))
            start += 1 << level
    return coords


def range_hash(start: int, end: int, get: Getter) -> bytes:
    """MTH(D[start:end]) from O(log n) stored perfect nodes (see `range_nodes`)."""
    return frontier_root([get(level, index) for level, index in range_nodes(start, end)])


def root(size: int, get: Getter) -> bytes:
    """MTH(D[0:size]), the tree head for any size up to the number of leaves stored."""
    if size < 0:
        raise ValueError(f"tree size {size} is negative")
    return range_hash(0, size, get) if size else EMPTY_ROOT


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form PATH(index, D[size]) (RFC 9162 §2.1.3.1), leaf end first.

    Walking down from the root: the sibling of the half holding ``index`` is recorded each time.
    """
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is not in a tree of {size} leaves")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        mid = start + _split(end - start)
        if index < mid:
            ranges.append((mid, end))
            end = mid
        else:
            ranges.append((start, mid))
            start = mid
    ranges.reverse()
    return ranges


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The leaf ranges whose MTHs form PROOF(old, D[new]) = SUBPROOF(old, D[new], true).

    RFC 9162 §2.1.4.1, unrolled: each step records the sibling subtree the old tree does not
    cover and descends into the half that holds the old tree's right edge.
    """
    if not 0 < old <= new:
        raise ValueError(f"no consistency proof from size {old} to size {new}")
    ranges: list[tuple[int, int]] = []
    start, m, n, whole = 0, old, new, True
    while m != n:
        k = _split(n)
        if m <= k:
            ranges.append((start + k, start + n))
            n = k
        else:
            ranges.append((start, start + k))
            start, m, n, whole = start + k, m - k, n - k, False
    if not whole:
        ranges.append((start, start + n))
    ranges.reverse()
    return ranges


def _nodes_of(ranges: Iterable[tuple[int, int]]) -> list[Coord]:
    return [coord for start, end in ranges for coord in range_nodes(start, end)]


def inclusion_nodes(index: int, size: int) -> list[Coord]:
    """Every ``(level, index)`` `inclusion_proof` (index, size) reads: O(log size) of them."""
    return _nodes_of(_inclusion_ranges(index, size))


def consistency_nodes(old: int, new: int) -> list[Coord]:
    """Every ``(level, index)`` `consistency_proof` (old, new) reads: O(log new) of them."""
    return _nodes_of(_consistency_ranges(old, new))


def inclusion_proof(index: int, size: int, get: Getter) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, the audit path from leaf to root."""
    return [range_hash(start, end, get) for start, end in _inclusion_ranges(index, size)]


def consistency_proof(old: int, new: int, get: Getter) -> list[bytes]:
    """PROOF(old, D[new]) of RFC 9162 §2.1.4.1; empty when old == new."""
    return [range_hash(start, end, get) for start, end in _consistency_ranges(old, new)]


# -- verifying (attacker-controlled input: answer False, never raise) ---------------------------


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return type(value) is int and 0 <= value <= _MAX_SIZE


def _is_path(value: object) -> bool:
    return isinstance(value, list | tuple) and all(_is_hash(h) for h in value)


def _climb(fn: int, sn: int) -> tuple[int, int]:
    """Right-shift fn and sn until LSB(fn) is set or fn is 0 (RFC 9162 §2.1.3.2 step 4.b.ii)."""
    while fn and not fn & 1:
        fn >>= 1
        sn >>= 1
    return fn, sn


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` puts leaf hash ``leaf`` at ``index`` in the tree (``size``, ``root``).

    RFC 9162 §2.1.3.2, step for step. Malformed input (hash lengths, index ≥ size, a proof of the
    wrong length) is answered with False.
    """
    if not (_is_hash(leaf) and _is_hash(root) and _is_size(index) and _is_size(size)):
        return False
    if not _is_path(proof) or index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _climb(fn, sn)
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (new_size, new_root) extends (old_size, old_root).

    RFC 9162 §2.1.4.2, step for step, for 0 < old_size < new_size. Two cases the RFC leaves out
    are decided here: old_size == new_size holds with an empty proof and equal roots (a tree is
    consistent with itself), and old_size == 0 is refused (an empty tree proves nothing).
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_path(proof)):
        return False
    if not (_is_size(old_size) and _is_size(new_size)) or not 0 < old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = [old_root, *proof] if old_size & (old_size - 1) == 0 else list(proof)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            fn, sn = _climb(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# -- in-memory tree ----------------------------------------------------------------------------


class MemoryTree:
    """An append-only tree held in memory: the reference for tests and benchmarks.

    ``levels[level][index]`` is perfect node ``(level, index)``; appends only ever add to the end
    of a level, so lists do the work of a ``(level, index)`` dict in a third of the memory.
    """

    def __init__(self, entries: Iterable[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = []
        self._frontier: list[bytes] = []
        self.size = 0
        self.extend(entries)

    def get(self, level: int, index: int) -> bytes:
        return self.levels[level][index]

    def append(self, entry: bytes) -> int:
        """Append one entry; returns its leaf index."""
        self.extend([entry])
        return self.size - 1

    def extend(self, entries: Iterable[bytes]) -> None:
        leaves = [leaf_hash(e) for e in entries]
        self.extend_hashes(leaves)

    def extend_hashes(self, leaves: Sequence[bytes]) -> None:
        nodes, self._frontier = append_leaves(self.size, self._frontier, leaves)
        levels = self.levels
        for level, _index, h in nodes:
            if level == len(levels):
                levels.append([])
            levels[level].append(h)
        self.size += len(leaves)

    def root(self, size: int | None = None) -> bytes:
        if size is None or size == self.size:
            return frontier_root(self._frontier)
        return root(self._size(size), self.get)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(index, self._size(size), self.get)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        return consistency_proof(old, self._size(new), self.get)

    def _size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if size > self.size:
            raise ValueError(f"the tree has {self.size} leaves, not {size}")
        return size
