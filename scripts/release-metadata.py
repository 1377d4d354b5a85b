#!/usr/bin/env python3
"""The version, home page and image names, kept in one place and copied everywhere else.

CMakeLists.txt holds them: project(VERSION ... HOMEPAGE_URL ...) and HEMS_IMAGE_REGISTRY. The
add-on's config.yaml, the two Dockerfiles, the compose files and repository.yaml repeat them,
because the Supervisor, docker and compose read those files as they are.

    release-metadata.py                 check that every copy agrees (exit 1 listing the ones that
                                        do not); the CTest release_metadata_in_step runs this
    release-metadata.py --stamp         write the values from CMakeLists.txt into every copy
    release-metadata.py --print KEY     print version, homepage, registry, image or addon-image
    --owner OWNER                       with the check: also require the registry to be
                                        ghcr.io/OWNER (the release workflow passes its owner)
    --root DIR                          the repository to work on (default: this one)
"""
import argparse
import os
import re
import sys

ADDON = "deploy/homeassistant-addon"


def read(root, path):
    try:
        with open(os.path.join(root, path), encoding="utf-8") as f:
            return f.read()
    except OSError as error:
        sys.exit(f"FAIL: {path}: {error.strerror}")


def source_values(root):
    """The values, from CMakeLists.txt."""
    text = read(root, "CMakeLists.txt")
    version = re.search(r"project\(\s*hems2mqtt\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)\b", text)
    homepage = re.search(r'HOMEPAGE_URL\s+"([^"]+)"', text)
    registry = re.search(r'set\(HEMS_IMAGE_REGISTRY\s+"([^"]+)"\)', text)
    missing = [name for name, m in (("project(VERSION)", version), ("HOMEPAGE_URL", homepage),
                                    ("HEMS_IMAGE_REGISTRY", registry)) if not m]
    if missing:
        sys.exit(f"FAIL: CMakeLists.txt lacks {', '.join(missing)}")
    values = {"version": version.group(1), "homepage": homepage.group(1),
              "registry": registry.group(1).rstrip("/")}
    values["image"] = f"{values['registry']}/hems2mqtt"
    values["addon-image"] = f"{values['registry']}/hems2mqtt-addon-{{arch}}"
    return values


def copies(v):
    """(file, pattern whose group 1 is the copy, the value it must have)."""
    compose_image = f"{v['image']}:{v['version']}"
    return [
        (f"{ADDON}/config.yaml", r'^version: "([^"]*)"$', v["version"]),
        (f"{ADDON}/config.yaml", r"^url: (\S*)$", v["homepage"]),
        (f"{ADDON}/config.yaml", r"^image: (\S*)$", v["addon-image"]),
        (f"{ADDON}/Dockerfile", r"^ARG BUILD_VERSION=(\S*)$", v["version"]),
        (f"{ADDON}/Dockerfile", r"^ARG SOURCE_URL=(\S*)$", v["homepage"]),
        ("docker/Dockerfile", r"^ARG HEMS2MQTT_VERSION=(\S*)$", v["version"]),
        ("docker/Dockerfile", r"^ARG SOURCE_URL=(\S*)$", v["homepage"]),
        ("docker/compose.yaml", r"^    image: \$\{HEMS2MQTT_IMAGE:-([^}]*)\}$", compose_image),
        ("docker/compose.demo.yaml", r"^    image: \$\{HEMS2MQTT_IMAGE:-([^}]*)\}$", compose_image),
        ("repository.yaml", r"^url: (\S*)$", v["homepage"]),
    ]


def changelog_headings(v):
    """Changelogs that must have a section for the version."""
    heading = rf"^## \[{re.escape(v['version'])}\]"
    return [("CHANGELOG.md", heading), (f"{ADDON}/CHANGELOG.md", heading)]


def check(root, v, owner):
    problems = []
    for path, pattern, wanted in copies(v):
        found = re.findall(pattern, read(root, path), flags=re.M)
        if not found:
            problems.append(f"{path}: no line matching {pattern}")
        for value in found:
            if value != wanted:
                problems.append(f"{path}: '{value}' where CMakeLists.txt says '{wanted}'")
    for path, pattern in changelog_headings(v):
        if not re.search(pattern, read(root, path), flags=re.M):
            problems.append(f"{path}: no section for version {v['version']}")
    if owner is not None and v["registry"] != f"ghcr.io/{owner.lower()}":
        problems.append(f"CMakeLists.txt: HEMS_IMAGE_REGISTRY is '{v['registry']}', but this "
                        f"repository publishes to ghcr.io/{owner.lower()}")
    return problems


def stamp(root, v):
    changed = []
    for path, pattern, wanted in copies(v):
        text = read(root, path)
        new = re.sub(pattern, lambda m: m.group(0).replace(m.group(1), wanted, 1), text,
                     flags=re.M)
        if new != text:
            with open(os.path.join(root, path), "w", encoding="utf-8") as f:
                f.write(new)
            changed.append(path)
    return sorted(set(changed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    parser.add_argument("--stamp", action="store_true")
    parser.add_argument("--print", dest="key",
                        choices=["version", "homepage", "registry", "image", "addon-image"])
    parser.add_argument("--owner")
    args = parser.parse_args()
    values = source_values(args.root)
    if args.key:
        print(values[args.key])
        return 0
    if args.stamp:
        for path in stamp(args.root, values):
            print(f"stamped {path}")
    problems = check(args.root, values, args.owner)
    for problem in problems:
        print(f"FAIL: {problem}")
    if problems:
        print("run scripts/release-metadata.py --stamp (and add the version's changelog sections)")
        return 1
    print(f"OK: version {values['version']}, images {values['image']} and "
          f"{values['addon-image']} everywhere")
    return 0


if __name__ == "__main__":
    sys.exit(main())
