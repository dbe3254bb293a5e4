#!/usr/bin/env python3
"""Write the "standard" ZIP that `libcoveocds --standard-zip` reads, from the OCDS 1.1.5
schema files this repository ships in ocds-schema/schema/1.1.5/, so that libcoveocds checks
release packages without downloading the standard from GitHub.

libcoveocds (through ocdsextensionregistry) takes the ZIP's first entry as its top folder
and reads the schemas from `<top>/schema/`.

Usage: standard_zip.py SCHEMA_DIR OUT.zip
"""

import sys
import zipfile
from pathlib import Path


def main() -> None:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    schema_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    if not (schema_dir / "release-schema.json").is_file():
        sys.exit(f"{schema_dir} has no release-schema.json")
    top = "standard-1__1__5/"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(top, "")
        archive.writestr(top + "schema/", "")
        for path in sorted(p for p in schema_dir.rglob("*") if p.is_file()):
            archive.write(path, top + "schema/" + path.relative_to(schema_dir).as_posix())


if __name__ == "__main__":
    main()
