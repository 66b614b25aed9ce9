"""Pushes the registry benchmark's NEW and PREVIOUS mirror artifacts to a
plain-HTTP registry, and writes what a `mirror diff NEW PREVIOUS --expand`
run must produce and fetch.

    push_workload.py --registry 127.0.0.1:PORT --repository bench/sync \
        --out DIR [--seed N] [--jobs N]

Writes into DIR:
  expected.json    the rows, as `ace-dt mirror diff -o json` prints them
  minimum.txt      the request paths the result requires, one per line
  wave-K.txt       the same paths split into dependency waves (K from 1):
                   a manifest in wave K is an entry of one in wave K-1
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mirror_workload  # noqa: E402

NEW_TAG = "new"
PREVIOUS_TAG = "previous"
ENTRIES = 3000
NESTED = 100


class Pusher:
    """Sends distribution API requests over one keep-alive connection per thread."""

    def __init__(self, registry, repository):
        self.host, port = registry.rsplit(":", 1)
        self.port = int(port)
        self.repository = repository
        self.local = threading.local()

    def request(self, method, path, body=None, headers=None):
        for attempt in range(2):
            connection = getattr(self.local, "connection", None)
            if connection is None:
                connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.local.connection = connection
            try:
                connection.request(method, path, body=body, headers=headers or {})
                response = connection.getresponse()
                return response.status, response.getheaders(), response.read()
            except (ConnectionError, http.client.HTTPException):
                # The registry may close an idle keep-alive connection, so
                # the request is sent once more on a new connection.
                connection.close()
                self.local.connection = None
                if attempt == 1:
                    raise

    def push_blob(self, digest, data):
        status, headers, body = self.request("POST", f"/v2/{self.repository}/blobs/uploads/")
        if status != 202:
            raise RuntimeError(f"starting the upload of {digest} failed: HTTP {status} {body[:200]!r}")
        location = dict((name.lower(), value) for name, value in headers)["location"]
        url = urllib.parse.urlsplit(location)
        query = (url.query + "&" if url.query else "") + "digest=" + urllib.parse.quote(digest)
        status, _, body = self.request("PUT", f"{url.path}?{query}", data,
                                       {"Content-Type": "application/octet-stream"})
        if status != 201:
            raise RuntimeError(f"uploading {digest} failed: HTTP {status} {body[:200]!r}")

    def push_manifest(self, reference, data, media_type):
        status, _, body = self.request("PUT", f"/v2/{self.repository}/manifests/{reference}", data,
                                       {"Content-Type": media_type})
        if status != 201:
            raise RuntimeError(f"pushing manifest {reference} failed: HTTP {status} {body[:300]!r}")


def push(workload, pusher, jobs):
    """Pushes blobs, then manifests level by level, then the two tags."""
    store = workload.store.blobs
    blob_types = (mirror_workload.CONFIG_MEDIA_TYPE, mirror_workload.LAYER_MEDIA_TYPE)
    blobs = [digest for digest, blob in store.items() if blob["media_type"] in blob_types]
    for digest in blobs:
        pusher.push_blob(digest, store[digest]["data"])

    manifests = [digest for digest in store if digest not in blobs]
    levels = sorted({store[digest]["level"] for digest in manifests})
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for level in levels:
            batch = [digest for digest in manifests if store[digest]["level"] == level]
            futures = [pool.submit(pusher.push_manifest, digest, store[digest]["data"], store[digest]["media_type"])
                       for digest in batch]
            for future in futures:
                future.result()

    for tag, root in ((NEW_TAG, workload.new_root), (PREVIOUS_TAG, workload.previous_root)):
        pusher.push_manifest(tag, store[root["digest"]]["data"], root["mediaType"])
    return len(blobs), len(manifests)


def request_path(repository, reference):
    return f"/v2/{repository}/manifests/{reference}"


def write_expectations(workload, repository, out_dir):
    """Writes expected.json, minimum.txt and wave-K.txt, and returns (rows, waves)."""
    store = workload.store
    existing, previous_waves = mirror_workload.existing_set(store, workload.previous_root["digest"])
    rows, new_waves = mirror_workload.expected_rows(store, workload.new_root["digest"], existing)

    with open(os.path.join(out_dir, "expected.json"), "w") as out:
        json.dump(mirror_workload.rows_as_json(rows), out, indent=1)

    roots = {workload.new_root["digest"]: NEW_TAG, workload.previous_root["digest"]: PREVIOUS_TAG}
    waves = []
    for depth in range(max(len(previous_waves), len(new_waves))):
        wave = []
        for side in (previous_waves, new_waves):
            if depth < len(side):
                wave += [request_path(repository, roots.get(digest, digest)) for digest in side[depth]]
        waves.append(wave)

    for number, wave in enumerate(waves, start=1):
        with open(os.path.join(out_dir, f"wave-{number}.txt"), "w") as out:
            out.writelines(path + "\n" for path in wave)
    with open(os.path.join(out_dir, "minimum.txt"), "w") as out:
        out.writelines(path + "\n" for wave in waves for path in wave)
    return rows, waves


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--registry", required=True, help="HOST:PORT of a plain-HTTP registry without auth")
    parser.add_argument("--repository", required=True)
    parser.add_argument("--out", required=True, help="directory for expected.json, minimum.txt and wave-K.txt")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=16, help="concurrent manifest uploads (default 16)")
    args = parser.parse_args()

    workload = mirror_workload.Workload(ENTRIES, NESTED, args.seed, with_previous=True)
    blob_count, manifest_count = push(workload, Pusher(args.registry, args.repository), args.jobs)
    rows, waves = write_expectations(workload, args.repository, args.out)

    print(f"pushed {blob_count} blobs and {manifest_count} manifests to {args.registry}/{args.repository} "
          f"(tags {NEW_TAG} and {PREVIOUS_TAG}); NEW has {ENTRIES} entries of which {NESTED} are nested mirror "
          f"artifacts, {len(workload.changed_leaves)} of its {workload.shape.leaves} images and indexes differ "
          f"from PREVIOUS; expecting {len(rows)} rows from {sum(len(w) for w in waves)} manifest requests in "
          f"{len(waves)} waves", file=sys.stderr)


if __name__ == "__main__":
    main()
