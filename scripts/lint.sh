#!/usr/bin/env bash
# Runs clang-tidy (checks in .clang-tidy) and cppcheck (options below,
# suppressions in .cppcheck-suppressions) on the C and C++ files that
# changed since a base commit, and fails on any warning of either tool.
#
#   scripts/lint.sh            files that differ from HEAD~1: the last commit
#                              plus uncommitted changes
#   ACE_DT_LINT_BASE=REV scripts/lint.sh
#                              files that differ from REV
#   scripts/lint.sh --all      every file in compile_commands.json
#   scripts/lint.sh FILE...    the given files (paths relative to the
#                              repository root)
#
# When the base does not exist (a repository with one commit, or a shallow
# clone), every file is checked. Compile flags come from
# BUILD_DIR/compile_commands.json (default BUILD_DIR: build), which is
# configured when missing. Only translation units in that file are checked.
# A changed header is checked through the source file of the same name, and
# through any changed source file that includes it (HeaderFilterRegex).
# JOBS (default: the number of cores) sets how many files run at once.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$repo_root/build}
jobs=${JOBS:-$(nproc)}
clang_tidy=${CLANG_TIDY:-clang-tidy-14}

# Lists changed files relative to the repository root, or nothing when the
# whole tree is to be checked.
changed_files() {
    local base=${ACE_DT_LINT_BASE:-HEAD~1}
    if [ "${1:-}" = "--all" ]; then
        echo "lint: checking every file (--all)" >&2
        return
    fi
    if [ $# -gt 0 ]; then
        echo "lint: checking the files given" >&2
        printf '%s\n' "$@"
        return
    fi
    if ! git -C "$repo_root" rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
        echo "lint: base $base does not exist, checking every file" >&2
        return
    fi
    echo "lint: checking files that differ from $base" >&2
    git -C "$repo_root" diff --name-only --diff-filter=d "$base" -- '*.c' '*.cpp' '*.h' '*.hpp'
    # New files that are not committed yet.
    git -C "$repo_root" ls-files --others --exclude-standard -- '*.c' '*.cpp' '*.h' '*.hpp'
}

# Writes OUTPUT_DIR/compile_commands.json with the entries of the build's
# database whose file is listed in the file LIST (all entries when LIST is
# empty), and a header's same-named source file. Prints the number of
# entries.
filter_database() {
    python3 - "$build_dir/compile_commands.json" "$1" "$2" "$repo_root" <<'PYTHON'
import json, os, sys
database_path, output_dir, list_path, root = sys.argv[1:5]
with open(database_path) as f:
    entries = json.load(f)
with open(list_path) as f:
    changed = [line.strip() for line in f if line.strip()]
wanted = set()
for name in changed:
    stem, extension = os.path.splitext(os.path.join(root, name))
    if extension in (".h", ".hpp"):
        wanted.update({stem + ".c", stem + ".cpp"})
    else:
        wanted.add(stem + extension)
# Only the project's own sources: the build tree contains generated files.
entries = [e for e in entries if not os.path.relpath(e["file"], root).startswith("build")]
if changed:
    entries = [e for e in entries if os.path.normpath(e["file"]) in wanted]
with open(os.path.join(output_dir, "compile_commands.json"), "w") as f:
    json.dump(entries, f)
print(len(entries))
PYTHON
}

run_clang_tidy() {
    local database_dir=$1
    python3 -c 'import json, sys; print("\n".join(e["file"] for e in json.load(open(sys.argv[1]))))' \
        "$database_dir/compile_commands.json" |
        xargs -r -P "$jobs" -n 4 "$clang_tidy" -p "$database_dir" --quiet
}

# Options: warning, performance and portability findings; style findings
# are left to clang-tidy. The googletest and boost libraries teach cppcheck
# the TEST macros, which it otherwise reports as syntax errors.
# --inline-suppr allows a justified "// cppcheck-suppress ID" at the line.
run_cppcheck() {
    local database_dir=$1
    cppcheck --project="$database_dir/compile_commands.json" --quiet --error-exitcode=1 \
        --enable=warning,performance,portability --std=c++20 --library=googletest --library=boost --inline-suppr \
        --suppressions-list="$repo_root/.cppcheck-suppressions" -j "$jobs" \
        -i "$build_dir" --template='{file}:{line}: {severity}: {message} [{id}]'
}

main() {
    if [ ! -f "$build_dir/compile_commands.json" ]; then
        cmake -S "$repo_root" -B "$build_dir" -G Ninja >&2
    fi

    local files
    files=$(changed_files "$@")
    if [ $# -eq 0 ] && [ -z "$files" ] && git -C "$repo_root" rev-parse --verify --quiet \
        "${ACE_DT_LINT_BASE:-HEAD~1}^{commit}" >/dev/null; then
        echo "lint: no C or C++ files changed" >&2
        return 0
    fi

    # Global, because the EXIT trap runs after main has returned.
    database_dir=$(mktemp -d)
    trap 'rm -rf "$database_dir"' EXIT
    local count
    printf '%s\n' "$files" >"$database_dir/files.txt"
    count=$(filter_database "$database_dir" "$database_dir/files.txt")
    echo "lint: $count translation units" >&2
    if [ "$count" -eq 0 ]; then
        return 0
    fi

    local status=0
    echo "lint: clang-tidy" >&2
    run_clang_tidy "$database_dir" || status=1
    echo "lint: cppcheck" >&2
    run_cppcheck "$database_dir" || status=1
    if [ "$status" -ne 0 ]; then
        echo "lint: failed; fix the warnings above, or for a false positive add a NOLINT or cppcheck-suppress comment that says why" >&2
    fi
    return "$status"
}

main "$@"
