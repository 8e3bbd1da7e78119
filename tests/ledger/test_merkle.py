"""RFC 9162 hashing and proofs: published vectors, then every shape of small tree, then random ones.

Vectors: leaves, node hashes, compact ranges and roots from transparency-dev/merkle
``testonly/constants.go``; proofs from ``proof/verify_test.go`` in the same repository (the Go
successor of Trillian's and certificate-transparency-go's Merkle tests, with the same data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sviedka.ledger.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    append_leaves,
    appended_nodes,
    consistency_nodes,
    consistency_proof,
    frontier,
    frontier_nodes,
    inclusion_nodes,
    inclusion_proof,
    leaf_hash,
    mth,
    node_hash,
    range_hash,
    range_nodes,
    root,
    verify_consistency,
    verify_inclusion,
)

h = bytes.fromhex

CT_ENTRIES = [
    h(x)
    for x in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
# transparency-dev/merkle testonly/constants.go RootHashes(), sizes 1..8.
CT_ROOTS = [
    h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
    h("aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
    h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    h("4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
    h("76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
    h("ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
    h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
]
# testonly/constants.go NodeHashes(): [level][index] for the 8-leaf tree.
CT_NODES = [
    [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7"),
        h("07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658"),
        h("b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f"),
        h("46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"),
    ],
    [
        h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
    ],
    [
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    [h("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")],
]
# proof/verify_test.go inclusionProofs (its leaf numbers are 1-based; these indices are 0-based).
CT_INCLUSION = [
    (0, 8, [CT_NODES[0][1], CT_NODES[1][1], CT_NODES[2][1]]),
    (5, 8, [CT_NODES[0][4], CT_NODES[1][3], CT_NODES[2][0]]),
    (2, 3, [CT_NODES[1][0]]),
    (1, 5, [CT_NODES[0][0], CT_NODES[1][1], CT_NODES[0][4]]),
]
# proof/verify_test.go consistencyProofs.
CT_CONSISTENCY = [
    (1, 1, []),
    (1, 8, [CT_NODES[0][1], CT_NODES[1][1], CT_NODES[2][1]]),
    (6, 8, [CT_NODES[1][2], CT_NODES[1][3], CT_NODES[2][0]]),
    (2, 5, [CT_NODES[1][1], CT_NODES[0][4]]),
    (6, 7, [CT_NODES[1][2], CT_NODES[0][6], CT_NODES[2][0]]),
]

SMALL = 64


def ref_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    """PATH(m, D[n]), RFC 9162 §2.1.3.1, literally."""
    n = len(leaves)
    if n == 1:
        return []
    k = 1 << ((n - 1).bit_length() - 1)
    if m < k:
        return [*ref_path(m, leaves[:k]), mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), mth(leaves[:k])]


def ref_subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b), RFC 9162 §2.1.4.1, literally."""
    n = len(leaves)
    if m == n:
        return [] if whole else [mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], whole), mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), mth(leaves[:k])]


def entries(n: int) -> list[bytes]:
    return [i.to_bytes(4, "big") for i in range(n)]


@pytest.fixture(scope="module")
def small() -> MemoryTree:
    return MemoryTree(entries(SMALL))


def flipped(proof: list[bytes], i: int) -> list[bytes]:
    bad = list(proof)
    bad[i] = bytes([bad[i][0] ^ 8]) + bad[i][1:]
    return bad


# -- published vectors ---------------------------------------------------------------------------


def test_empty_root_is_the_hash_of_nothing() -> None:
    assert EMPTY_ROOT.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert mth([]) == EMPTY_ROOT
    assert MemoryTree().root() == EMPTY_ROOT


def test_roots_of_sizes_1_to_8_match_the_ct_vectors() -> None:
    tree = MemoryTree(CT_ENTRIES)
    leaves = [leaf_hash(e) for e in CT_ENTRIES]
    assert [tree.root(n) for n in range(1, 9)] == CT_ROOTS
    assert [mth(leaves[:n]) for n in range(1, 9)] == CT_ROOTS


def test_stored_nodes_match_the_ct_vectors() -> None:
    tree = MemoryTree(CT_ENTRIES)
    assert tree.levels == CT_NODES
    assert node_hash(CT_NODES[0][0], CT_NODES[0][1]) == CT_NODES[1][0]


def test_frontier_matches_the_ct_compact_ranges() -> None:
    # testonly/constants.go CompactTrees(): the frontier after each append.
    n = CT_NODES
    expected = [
        [],
        [n[0][0]],
        [n[1][0]],
        [n[1][0], n[0][2]],
        [n[2][0]],
        [n[2][0], n[0][4]],
        [n[2][0], n[1][2]],
        [n[2][0], n[1][2], n[0][6]],
        [n[3][0]],
    ]
    tree = MemoryTree(CT_ENTRIES)
    assert [frontier(size, tree.get) for size in range(9)] == expected


@pytest.mark.parametrize(("index", "size", "proof"), CT_INCLUSION)
def test_inclusion_proofs_match_the_ct_vectors(index: int, size: int, proof: list[bytes]) -> None:
    tree = MemoryTree(CT_ENTRIES)
    assert tree.inclusion_proof(index, size) == proof
    assert verify_inclusion(leaf_hash(CT_ENTRIES[index]), index, size, proof, CT_ROOTS[size - 1])


@pytest.mark.parametrize(("old", "new", "proof"), CT_CONSISTENCY)
def test_consistency_proofs_match_the_ct_vectors(old: int, new: int, proof: list[bytes]) -> None:
    tree = MemoryTree(CT_ENTRIES)
    assert tree.consistency_proof(old, new) == proof
    assert verify_consistency(old, new, CT_ROOTS[old - 1], CT_ROOTS[new - 1], proof)


# -- every small tree ----------------------------------------------------------------------------


def test_every_root_up_to_64_leaves_equals_the_recursive_definition(small: MemoryTree) -> None:
    leaves = small.levels[0]
    for size in range(SMALL + 1):
        assert root(size, small.get) == mth(leaves[:size])


def test_every_inclusion_proof_up_to_64_leaves_is_path_and_verifies(small: MemoryTree) -> None:
    leaves = small.levels[0]
    for size in range(1, SMALL + 1):
        head = mth(leaves[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, small.get)
            assert proof == ref_path(index, leaves[:size])
            assert verify_inclusion(leaves[index], index, size, proof, head)


def test_every_consistency_proof_up_to_64_leaves_is_subproof_and_verifies(
    small: MemoryTree,
) -> None:
    leaves = small.levels[0]
    for new in range(1, SMALL + 1):
        new_root = mth(leaves[:new])
        for old in range(1, new + 1):
            proof = consistency_proof(old, new, small.get)
            assert proof == ref_subproof(old, leaves[:new], True)
            assert verify_consistency(old, new, mth(leaves[:old]), new_root, proof)


def test_altered_inclusion_proofs_fail(small: MemoryTree) -> None:
    leaves = small.levels[0]
    other = hashlib.sha256(b"some other hash").digest()
    for size in range(1, 33):
        head = mth(leaves[:size])
        for index in range(size):
            proof = inclusion_proof(index, size, small.get)
            leaf = leaves[index]
            bad = [flipped(proof, i) for i in range(len(proof))]
            bad += [proof[:-1]] if proof else []
            bad += [[*proof, other], [other, *proof], [*proof, head]]
            assert not any(verify_inclusion(leaf, index, size, p, head) for p in bad)
            assert not verify_inclusion(other, index, size, proof, head)
            assert not verify_inclusion(leaf, index, size, proof, other)
            assert not verify_inclusion(leaf, index, size, proof, EMPTY_ROOT)
            assert not verify_inclusion(leaf, size, size, proof, head)
            for wrong in range(size):
                assert wrong == index or not verify_inclusion(leaf, wrong, size, proof, head)
            for wrong in (size * 2, size // 2):
                assert not verify_inclusion(leaf, index, wrong, proof, head)


def test_altered_consistency_proofs_fail(small: MemoryTree) -> None:
    leaves = small.levels[0]
    other = hashlib.sha256(b"some other hash").digest()
    for new in range(2, 33):
        new_root = mth(leaves[:new])
        for old in range(1, new):
            old_root = mth(leaves[:old])
            proof = consistency_proof(old, new, small.get)
            bad = [flipped(proof, i) for i in range(len(proof))]
            bad += [proof[:-1], [], [*proof, other], [other, *proof], [proof[0], *proof]]
            bad += [[*proof, old_root], [*proof, new_root], [new_root, *proof]]
            assert not any(verify_consistency(old, new, old_root, new_root, p) for p in bad)
            assert not verify_consistency(old, new, new_root, old_root, proof)
            assert not verify_consistency(old, new, other, new_root, proof)
            assert not verify_consistency(old, new, old_root, other, proof)
            assert not verify_consistency(new, old, new_root, old_root, proof)
            for wrong in (old - 1, old + 1, old ^ 2):
                if wrong != old and 0 < wrong < new:
                    assert not verify_consistency(wrong, new, old_root, new_root, proof)
            for wrong in (new * 2, new // 2):
                assert not verify_consistency(old, wrong, old_root, new_root, proof)


def test_a_tree_is_consistent_with_itself_only_by_an_empty_proof() -> None:
    r = CT_ROOTS[3]
    assert verify_consistency(4, 4, r, r, [])
    assert not verify_consistency(4, 4, r, CT_ROOTS[4], [])
    assert not verify_consistency(4, 4, r, r, [r])


def test_an_empty_old_tree_proves_nothing() -> None:
    assert not verify_consistency(0, 1, EMPTY_ROOT, CT_ROOTS[0], [])
    assert not verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])


def test_malformed_proof_input_answers_false_and_never_raises() -> None:
    leaf, head = leaf_hash(b""), CT_ROOTS[0]
    assert verify_inclusion(leaf, 0, 1, [], head)
    cases: list[tuple[object, object, object, object, object]] = [
        (leaf, 0, 0, [], head),  # empty tree
        (leaf, 1, 1, [], head),  # index == size
        (leaf, -1, 1, [], head),
        (leaf, True, 2, [CT_NODES[0][1]], CT_ROOTS[1]),  # a bool is not an index
        (leaf, 0, 2**64, [], head),  # beyond uint64
        (leaf[:31], 0, 1, [], head),
        (leaf, 0, 1, [], head + b"\x00"),
        ("6e34", 0, 1, [], head),
        (leaf, 0, 1, None, head),
        (leaf, 0, 2, "x" * 32, head),
        (leaf, 0, 2, [b"\x00" * 33], head),
        (leaf, 0, 2, [42], head),
    ]
    for args in cases:
        assert verify_inclusion(*args) is False  # type: ignore[arg-type]
    for cargs in [
        (2, 1, head, head, []),
        (-1, 1, head, head, []),
        (1, 2, head, CT_ROOTS[1], None),
        (1, 2, head, CT_ROOTS[1], [b"short"]),
        (1, 2, "head", CT_ROOTS[1], [CT_NODES[0][1]]),
        (1.0, 2, head, CT_ROOTS[1], [CT_NODES[0][1]]),
    ]:
        assert verify_consistency(*cargs) is False  # type: ignore[arg-type]


# -- appending -----------------------------------------------------------------------------------


def test_appending_one_by_one_and_in_batches_stores_the_same_nodes() -> None:
    leaves = [leaf_hash(e) for e in entries(300)]
    stored: dict[tuple[int, int], bytes] = {}
    for index, leaf in enumerate(leaves):
        for level, idx, value in appended_nodes(index, leaf, lambda lv, i: stored[(lv, i)]):
            assert (level, idx) not in stored  # write-once
            stored[(level, idx)] = value
    batched: dict[tuple[int, int], bytes] = {}
    size, front = 0, list[bytes]()
    for cut in (1, 2, 7, 64, 65, 200, 300):
        nodes, front = append_leaves(size, front, leaves[size:cut])
        batched.update(((lv, i), value) for lv, i, value in nodes)
        size = cut
        assert front == frontier(size, lambda lv, i: batched[(lv, i)])
    assert batched == stored
    assert len(stored) == 2 * 300 - (300).bit_count()


def test_append_leaves_refuses_a_frontier_of_the_wrong_length() -> None:
    with pytest.raises(ValueError, match="frontier"):
        append_leaves(3, [EMPTY_ROOT], [EMPTY_ROOT])


def test_frontier_nodes_are_one_perfect_subtree_per_set_bit() -> None:
    assert frontier_nodes(0) == []
    assert frontier_nodes(8) == [(3, 0)]
    assert frontier_nodes(13) == [(3, 0), (2, 2), (0, 12)]


# -- reading -------------------------------------------------------------------------------------


def test_range_nodes_refuse_ranges_the_recursion_never_produces() -> None:
    assert range_nodes(8, 13) == [(2, 2), (0, 12)]
    for start, end in [(1, 3), (4, 9), (3, 3), (5, 4), (-2, 0)]:
        with pytest.raises(ValueError):
            range_nodes(start, end)


def test_range_hash_is_mth_of_the_range(small: MemoryTree) -> None:
    leaves = small.levels[0]
    assert range_hash(32, 45, small.get) == mth(leaves[32:45])


def test_proofs_read_few_nodes_even_for_huge_trees() -> None:
    calls: list[tuple[int, int]] = []

    def get(level: int, index: int) -> bytes:
        calls.append((level, index))
        return hashlib.sha256(f"{level}/{index}".encode()).digest()

    size = 2**40 + 2**33 + 12345
    for index in (0, 2**39, 2**40 + 7, size - 1):
        calls.clear()
        proof = inclusion_proof(index, size, get)
        assert calls == inclusion_nodes(index, size)
        assert len(proof) <= 41 and len(calls) <= 2 * 41
    calls.clear()
    consistency_proof(2**35 + 3, size, get)
    assert calls == consistency_nodes(2**35 + 3, size) and len(calls) <= 2 * 41


def test_proof_requests_outside_the_tree_are_refused() -> None:
    tree = MemoryTree(CT_ENTRIES)
    for index, size in [(8, 8), (0, 9)]:
        with pytest.raises(ValueError):
            tree.inclusion_proof(index, size)
    for old, new in [(0, 4), (5, 4)]:
        with pytest.raises(ValueError):
            tree.consistency_proof(old, new)


# -- random larger trees -------------------------------------------------------------------------

BIG = 3000


@pytest.fixture(scope="module")
def big() -> MemoryTree:
    return MemoryTree(entries(BIG))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_inclusion_proofs_are_path_and_verify(big: MemoryTree, data: st.DataObject) -> None:
    size = data.draw(st.integers(1, BIG))
    index = data.draw(st.integers(0, size - 1))
    leaves = big.levels[0][:size]
    proof = big.inclusion_proof(index, size)
    assert proof == ref_path(index, leaves)
    assert verify_inclusion(leaves[index], index, size, proof, big.root(size))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_consistency_proofs_are_subproof_and_verify(
    big: MemoryTree, data: st.DataObject
) -> None:
    new = data.draw(st.integers(1, BIG))
    old = data.draw(st.integers(1, new))
    proof = big.consistency_proof(old, new)
    assert proof == ref_subproof(old, big.levels[0][:new], True)
    assert verify_consistency(old, new, big.root(old), big.root(new), proof)
    if proof:
        assert not verify_consistency(old, new, big.root(old), big.root(new), flipped(proof, 0))
