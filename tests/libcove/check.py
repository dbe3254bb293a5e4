#!/usr/bin/env python3
"""Read the JSON that `libcoveocds` wrote for one release package and fail, listing them, on
any schema validation error or closed-codelist miss (libcoveocds reports a bad code in a
closed codelist, such as a wrong tag, apart from the validation errors).

Usage: check.py COVE_OUTPUT.json LABEL
Prints one line: the label, the number of releases, errors, and the additional fields seen.
"""

import json
import sys


def main() -> None:
    cove_path, label = sys.argv[1], sys.argv[2]
    with open(cove_path, encoding="utf-8") as f:
        cove = json.load(f)
    errors = list(cove.get("validation_errors") or [])
    codelists = cove.get("additional_closed_codelist_values") or {}
    releases = cove.get("count", "?")
    # Offline, libcoveocds cannot fetch the declared extensions, so their fields (lots,
    # techniques, ...) are reported as additional fields: listed, not failed.
    extra = sorted({f.get("path", "") + "/" + f.get("field", "") if isinstance(f, dict) else str(f)
                    for f in (cove.get("all_additional_fields") or [])})
    print(f"{label}: {releases} releases, {len(errors)} validation errors, "
          f"{len(codelists)} closed-codelist misses, {len(extra)} additional (extension) fields")
    if errors or codelists:
        for error in errors[:20]:
            print("  error:", json.dumps(error)[:400])
        for path, miss in list(codelists.items())[:20]:
            print("  codelist:", path, json.dumps(miss)[:300])
        sys.exit(1)


if __name__ == "__main__":
    main()
