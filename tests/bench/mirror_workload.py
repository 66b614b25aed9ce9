"""Generates mirror artifacts for the benchmarks, and the result that
`ace-dt mirror diff --expand` must produce for them.

A workload is a NEW mirror artifact and, for the registry benchmark, a
PREVIOUS one that shares 90% of its images and multi-platform indexes with
NEW. The content depends only on the parameters and the seed, so two runs
push byte-identical manifests.

Shape of a mirror artifact with E entries (descriptors at all depths) of
which M are nested mirror artifacts:

- the nested artifacts form three levels. A tenth of them (rounded up)
  sit in the root, three times as many one level down, and the rest at
  the third level. Each is assigned to a parent of the level above in
  turn;
- every nested artifact has S entries (S = min(20, (E - M/10) / M)), its
  nested children first and leaves after them; the root takes the entries
  left over;
- of the leaves, 500 in 2,900 are multi-platform indexes of 4 platform
  manifests, the others image manifests. All image manifests share one
  config blob and one layer blob.

Descriptors of nested mirror artifacts carry the gather artifactType;
those of multi-platform indexes carry none, as `ace-dt mirror gather`
writes them.
"""

import hashlib
import json
import math
import random

GATHER_ARTIFACT_TYPE = "application/vnd.act3-ace.data.gather+json"
INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip"
SOURCE_ANNOTATION = "vnd.act3-ace.manifest.source"
REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name"

# The Accept header of ace-dt's manifest requests
# (plugins/oci/include/acedt/oci/media_type.hpp, kManifestAccept).
MANIFEST_ACCEPT = (
    "application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json"
)

MAX_ENTRIES_PER_NESTED = 20
INDEX_LEAVES_PER_2900 = 500
CHANGED_LEAVES_PER_10 = 1
PLATFORMS = [("linux", "amd64"), ("linux", "arm64"), ("linux", "ppc64le"), ("linux", "s390x")]


def encode(document):
    return json.dumps(document, separators=(",", ":")).encode()


class BlobStore:
    """Every blob of a workload by digest, with its media type and push level.

    The level of a manifest is one more than the highest level of the
    manifests it refers to (blobs and image manifests without children
    have level 0), so pushing level by level satisfies a registry that
    checks references exist.
    """

    def __init__(self):
        self.blobs = {}

    def add(self, data, media_type, level=0):
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(digest, {"data": data, "media_type": media_type, "level": level})
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    def manifest(self, digest):
        return json.loads(self.blobs[digest]["data"])

    def level(self, digest):
        return self.blobs[digest]["level"]


class Shape:
    """Where the nested mirror artifacts and the leaves sit in the tree."""

    def __init__(self, entries, nested):
        if nested < 1 or entries < 2 * nested:
            raise ValueError(f"need at least 1 nested artifact and 2 entries per nested one, got {entries} "
                             f"entries and {nested} nested")
        level1 = math.ceil(nested / 10)
        level2 = min(3 * level1, nested - level1)
        level3 = nested - level1 - level2
        self.per_nested = min(MAX_ENTRIES_PER_NESTED, (entries - level1) // nested)

        # children[node] lists the nested children of node, which is "root"
        # or the number of a nested artifact.
        self.children = {"root": list(range(level1))}
        ids = list(range(nested))
        for node in ids:
            self.children[node] = []
        for i in range(level2):
            self.children[i % level1].append(level1 + i)
        for i in range(level3):
            parent = level1 + (i % level2) if level2 else i % level1
            self.children[parent].append(level1 + level2 + i)

        # leaf_slots[node] is the range of leaf numbers under that node.
        self.leaf_slots = {}
        next_leaf = 0
        root_leaves = entries - nested * self.per_nested - level1
        for node in ["root"] + ids:
            count = root_leaves if node == "root" else self.per_nested - len(self.children[node])
            if count < 0:
                raise ValueError(f"nested artifact {node} has more nested children than {self.per_nested} entries")
            self.leaf_slots[node] = range(next_leaf, next_leaf + count)
            next_leaf += count
        self.leaves = next_leaf
        self.nested = nested
        self.entries = entries


class Workload:
    """NEW and optionally PREVIOUS in one BlobStore, from a shape and a seed."""

    def __init__(self, entries, nested, seed, with_previous):
        self.shape = Shape(entries, nested)
        self.store = BlobStore()
        rng = random.Random(seed)

        leaves = self.shape.leaves
        index_count = leaves * INDEX_LEAVES_PER_2900 // 2900
        self.index_leaves = set(rng.sample(range(leaves), index_count))
        changed_count = leaves * CHANGED_LEAVES_PER_10 // 10 if with_previous else 0
        self.changed_leaves = set(rng.sample(range(leaves), changed_count))

        self.config = self.store.add(encode({"architecture": "amd64", "os": "linux",
                                             "rootfs": {"type": "layers", "diff_ids": []}}), CONFIG_MEDIA_TYPE)
        self.layer = self.store.add(b"ace-dt benchmark layer\n", LAYER_MEDIA_TYPE)

        self.new_root = self.build_root(previous=False)
        self.previous_root = self.build_root(previous=True) if with_previous else None

    def leaf_version(self, leaf, previous):
        return "1" if previous or leaf not in self.changed_leaves else "2"

    def build_root(self, previous):
        entries = self.build_entries("root", previous)
        root = {
            "schemaVersion": 2,
            "mediaType": INDEX_MEDIA_TYPE,
            "artifactType": GATHER_ARTIFACT_TYPE,
            "manifests": entries,
            "annotations": {"vnd.act3-ace.data.version": "bench",
                            "vnd.act3-ace.data.layer.size.total": str(self.layer["size"]),
                            "vnd.act3-ace.data.layer.size.deduplicated": str(self.layer["size"]),
                            "org.opencontainers.image.description": "previous sync" if previous else "new sync"},
        }
        return self.store.add(encode(root), INDEX_MEDIA_TYPE, self.level_above(entries))

    def build_entries(self, node, previous):
        entries = [self.build_nested(child, previous) for child in self.shape.children[node]]
        for leaf in self.shape.leaf_slots[node]:
            entries.append(self.build_leaf(leaf, previous))
        return entries

    def build_nested(self, node, previous):
        entries = self.build_entries(node, previous)
        nested = {
            "schemaVersion": 2,
            "mediaType": INDEX_MEDIA_TYPE,
            "artifactType": GATHER_ARTIFACT_TYPE,
            "manifests": entries,
            "annotations": {"vnd.act3-ace.data.version": "bench"},
        }
        descriptor = self.store.add(encode(nested), INDEX_MEDIA_TYPE, self.level_above(entries))
        reference = f"bench.example/mirror/part-{node:05d}:sync"
        descriptor["artifactType"] = GATHER_ARTIFACT_TYPE
        descriptor["annotations"] = {SOURCE_ANNOTATION: reference, REF_NAME_ANNOTATION: reference}
        return descriptor

    def build_leaf(self, leaf, previous):
        version = self.leaf_version(leaf, previous)
        reference = f"bench.example/group-{leaf // 50:04d}/app-{leaf:06d}:{version}"
        if leaf in self.index_leaves:
            descriptor = self.build_platform_index(reference)
        else:
            descriptor = self.build_image(reference, None)
        descriptor["annotations"] = {SOURCE_ANNOTATION: reference, REF_NAME_ANNOTATION: reference}
        return descriptor

    def build_image(self, reference, platform):
        description = reference if platform is None else f"{reference} {platform[0]}/{platform[1]}"
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST_MEDIA_TYPE,
            "config": self.config,
            "layers": [self.layer],
            "annotations": {"org.opencontainers.image.description": description},
        }
        return self.store.add(encode(manifest), MANIFEST_MEDIA_TYPE, 0)

    def build_platform_index(self, reference):
        entries = []
        for os_name, architecture in PLATFORMS:
            descriptor = self.build_image(reference, (os_name, architecture))
            descriptor["platform"] = {"architecture": architecture, "os": os_name}
            entries.append(descriptor)
        index = {"schemaVersion": 2, "mediaType": INDEX_MEDIA_TYPE, "manifests": entries}
        return self.store.add(encode(index), INDEX_MEDIA_TYPE, 1)

    def level_above(self, entries):
        return 1 + max((self.store.level(entry["digest"]) for entry in entries), default=0)


def is_index(descriptor):
    return descriptor["mediaType"] == INDEX_MEDIA_TYPE


def existing_set(store, root_digest):
    """Returns (digests, fetch_waves) for an EXISTING-IMAGE root.

    digests contains the root and every descriptor reachable through any
    index. fetch_waves[k] lists the indexes first reached at depth k, which
    a client must fetch to learn their entries (the root is wave 0).
    """
    digests = {root_digest}
    waves = [[root_digest]]
    while waves[-1]:
        next_wave = []
        for digest in waves[-1]:
            for entry in store.manifest(digest)["manifests"]:
                if entry["digest"] in digests:
                    continue
                digests.add(entry["digest"])
                if is_index(entry):
                    next_wave.append(entry["digest"])
        waves.append(next_wave)
    return digests, waves[:-1]


def expected_rows(store, root_digest, existing):
    """Returns (rows, fetch_waves) of `mirror diff ROOT EXISTING --expand`.

    A row is (reference, digest), sorted. fetch_waves[k] lists the
    manifests fetched at depth k: the root, then every index entry outside
    the existing set, since only its content shows whether it is a nested
    mirror artifact. Indexes whose descriptor states another artifactType
    need no fetch; the workload has none.
    """
    rows = set()
    fetched = {root_digest}
    waves = [[root_digest]]
    while waves[-1]:
        next_wave = []
        for digest in waves[-1]:
            if store.manifest(digest).get("artifactType") != GATHER_ARTIFACT_TYPE:
                continue  # fetched only to learn that it is not a mirror artifact
            for entry in store.manifest(digest)["manifests"]:
                if entry["digest"] in existing:
                    continue
                if is_index(entry) and entry.get("artifactType", GATHER_ARTIFACT_TYPE) == GATHER_ARTIFACT_TYPE:
                    if entry["digest"] not in fetched:
                        fetched.add(entry["digest"])
                        next_wave.append(entry["digest"])
                    if store.manifest(entry["digest"]).get("artifactType") == GATHER_ARTIFACT_TYPE:
                        continue
                annotations = entry.get("annotations", {})
                reference = annotations.get(SOURCE_ANNOTATION, annotations.get(REF_NAME_ANNOTATION, ""))
                rows.add((reference, entry["digest"]))
        waves.append(next_wave)
    return sorted(rows, key=lambda row: (row[0].encode(), row[1].encode())), waves[:-1]


def rows_as_json(rows):
    return [{"digest": digest, "reference": reference} for reference, digest in rows]
