"""Writes the layout benchmark's mirror artifact as an OCI image layout.

    write_layout.py --path DIR --tag TAG --entries N --nested M --out DIR [--seed N]

The layout at --path contains one mirror artifact of N entries, M of them
nested mirror artifacts (shape described in mirror_workload.py), tagged
TAG in index.json. Writes into --out:
  expected.json    the rows of `ace-dt mirror diff oci:DIR:TAG --expand -o json`
  read-files.txt   the files that run reads: index.json, then each
                   manifest it must fetch, one path per line
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import mirror_workload  # noqa: E402


def write_layout(workload, path, tag):
    blob_dir = os.path.join(path, "blobs", "sha256")
    os.makedirs(blob_dir, exist_ok=True)
    for digest, blob in workload.store.blobs.items():
        with open(os.path.join(blob_dir, digest.removeprefix("sha256:")), "wb") as out:
            out.write(blob["data"])

    root = dict(workload.new_root)
    root["annotations"] = {mirror_workload.REF_NAME_ANNOTATION: tag}
    with open(os.path.join(path, "oci-layout"), "w") as out:
        json.dump({"imageLayoutVersion": "1.0.0"}, out)
    with open(os.path.join(path, "index.json"), "w") as out:
        json.dump({"schemaVersion": 2, "mediaType": mirror_workload.INDEX_MEDIA_TYPE, "manifests": [root]}, out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--path", required=True, help="directory to write the layout into")
    parser.add_argument("--tag", required=True)
    parser.add_argument("--entries", type=int, required=True, help="entries at all depths")
    parser.add_argument("--nested", type=int, required=True, help="nested mirror artifacts among them")
    parser.add_argument("--out", required=True, help="directory for expected.json and read-files.txt")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    workload = mirror_workload.Workload(args.entries, args.nested, args.seed, with_previous=False)
    write_layout(workload, args.path, args.tag)
    rows, waves = mirror_workload.expected_rows(workload.store, workload.new_root["digest"], existing=set())

    with open(os.path.join(args.out, "expected.json"), "w") as out:
        json.dump(mirror_workload.rows_as_json(rows), out, indent=1)
    fetched = [digest for wave in waves for digest in wave]
    with open(os.path.join(args.out, "read-files.txt"), "w") as out:
        out.write(os.path.join(args.path, "index.json") + "\n")
        for digest in fetched:
            out.write(os.path.join(args.path, "blobs", "sha256", digest.removeprefix("sha256:")) + "\n")

    print(f"wrote {len(workload.store.blobs)} blobs to {args.path}: {args.entries} entries, {args.nested} nested "
          f"mirror artifacts; expecting {len(rows)} rows from {len(fetched)} manifests read", file=sys.stderr)


if __name__ == "__main__":
    main()
