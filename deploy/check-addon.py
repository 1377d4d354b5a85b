#!/usr/bin/env python3
"""Checks the Home Assistant add-on repository as the Supervisor would read it, without one.

    deploy/check-addon.py ROOT OUTDIR

- repository.yaml at ROOT and the add-on's config.yaml parse as YAML and have the keys the
  Supervisor requires; the add-on is the only config.{yaml,yml,json} it would find (it searches
  the whole repository); 64-bit architectures only, each with a base image in build.yaml;
- the schema uses only the Supervisor's types, every option is in the schema and valid for it,
  and the secrets are password fields;
- translations/en.yaml and translations/ja.yaml name and explain every option (the Japanese ones
  in Japanese) and nothing else;
- options-to-toml.jq mentions every option; DOCS.md, README.md, CHANGELOG.md, apparmor.txt,
  icon.png (128x128) and logo.png are there.
Writes OUTDIR/options.json (the defaults plus what the user must enter) and OUTDIR/full.json
(every option set, optional ones included) for the mapping tests. Exits 1 listing the problems.
"""
import json
import os
import re
import struct
import subprocess
import sys

import yaml

ADDON = "deploy/homeassistant-addon"
ARCHES = {"aarch64", "amd64"}
# The Supervisor's option types: str/password with optional length, int/float with optional
# range, bool, email, url, port, match(REGEX), list(a|b), device with optional subsystem filter;
# a trailing ? makes an option optional.
TYPE = re.compile(r"^(?:bool|email|url|port|device(?:\(subsystem=[a-z]+\))?"
                  r"|(?:str|password|int)(?:\(\d*,\d*\))?|float(?:\([\d.]*,[\d.]*\))?"
                  r"|match\(.*\)|list\(.+\))\??$")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SECRETS = {"meter.id", "meter.password", "mqtt.password"}
# What a user types where the defaults leave a value open, and a value for every optional option.
ENTERED = {"meter.device": "/dev/serial/by-id/usb-RATOC_Systems__Ltd._RS-WSUHA-P-if00-port0",
           "meter.id": "3F8A2C5E7B1D4096A8C3E5F7092B4D6E", "meter.password": "SIMULATORPW1"}
FULL = {"mqtt.server": "mqtts://broker.example:8883", "mqtt.username": "hems",
        "mqtt.password": 'pa"ss\\word', "mqtt.ca_file": "ca.pem",
        "mqtt.cert_file": "/ssl/client.pem", "mqtt.key_file": "client.key",
        "mqtt.retain": False, "mqtt.discovery_language": "ja", "lan.enabled": True,
        "lan.interface": "eth0", "lan.ipv6": False, "lan.hosts": ["192.0.2.10", "192.0.2.11"],
        "lan.poll_interval": 30,
        "lan.names": [{"object": "00000b_2619b574/0x013001", "id": "living_ac"},
                      {"object": "192.0.2.11/0x026B01", "id": "water_heater"}],
        "lan.allow_set": ["living_ac/*", "0x026B/target_water_heating_temperature"],
        "log_level": "debug", "meter.dialect": "bp35c0"}

problems = []


def problem(text):
    problems.append(text)
    print(f"FAIL: {text}")


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as error:
        problem(f"{path}: {error}")
        return None


def tracked_files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                             check=True).stdout
        return out.splitlines()
    except (OSError, subprocess.CalledProcessError):
        found = []
        for base, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith((".", "build"))]
            found += [os.path.relpath(os.path.join(base, f), root) for f in files]
        return found


def valid(typ, value):
    """Whether value passes the Supervisor's check for typ (for the values this add-on uses)."""
    base = typ.rstrip("?")
    if base.startswith(("str", "password", "device")):
        return isinstance(value, str)
    if base == "bool":
        return isinstance(value, bool)
    if base.startswith("int"):
        low, _, high = (base[4:-1] if "(" in base else ",").partition(",")
        return (isinstance(value, int) and not isinstance(value, bool)
                and (not low or value >= int(low)) and (not high or value <= int(high)))
    if base.startswith("match("):
        return isinstance(value, str) and re.match(base[6:-1], value) is not None
    if base.startswith("list("):
        return value in base[5:-1].split("|")
    return False


def check_value(name, typ, value):
    if isinstance(typ, dict):
        if not isinstance(value, dict):
            return problem(f"option {name} should be a table")
        for key, item in value.items():
            if key not in typ:
                problem(f"option {name}.{key} is not in the schema")
            else:
                check_value(f"{name}.{key}", typ[key], item)
    elif isinstance(typ, list):
        if not isinstance(value, list):
            return problem(f"option {name} should be a list")
        for item in value:
            check_value(f"{name}[]", typ[0], item)
    elif value is not None and not valid(typ, value):
        problem(f"option {name} = {value!r} is not a valid {typ}")


def option_names(tree, prefix=""):
    """Dotted names of the options in a schema or in options: tables are opened, lists are one
    option each."""
    names = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            names.update(option_names(value, prefix + key + "."))
        else:
            names[prefix + key] = value
    return names


def list_fields(schema):
    """The fields of the tables inside lists (lan.names: object, id)."""
    return {f"{name}.{field}" for name, typ in option_names(schema).items()
            if isinstance(typ, list) and isinstance(typ[0], dict) for field in typ[0]}


def check_types(schema, where="schema"):
    for key, typ in schema.items():
        if isinstance(typ, list):
            if len(typ) != 1 or isinstance(typ[0], list):
                problem(f"{where}.{key}: a list has one element type, not a list")
            elif isinstance(typ[0], dict):
                check_types(typ[0], f"{where}.{key}[]")
            elif not TYPE.match(str(typ[0])):
                problem(f"{where}.{key}: unknown type {typ[0]!r}")
        elif isinstance(typ, dict):
            check_types(typ, f"{where}.{key}")
        elif not TYPE.match(str(typ)):
            problem(f"{where}.{key}: unknown type {typ!r}")


def check_translation(lang, entries, schema, where):
    for key, typ in schema.items():
        entry = (entries or {}).get(key)
        name = f"{where}.{key}"
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("description"):
            problem(f"translations/{lang}.yaml: {name} lacks a name or a description")
            continue
        if lang == "ja" and not JAPANESE.search(entry["description"]):
            problem(f"translations/ja.yaml: {name} is not in Japanese")
        nested = typ[0] if isinstance(typ, list) else typ
        if isinstance(nested, dict):
            check_translation(lang, entry.get("fields"), nested, name)
        elif entry.get("fields"):
            problem(f"translations/{lang}.yaml: {name} has fields but is not a table")
    for key in set(entries or {}) - set(schema):
        problem(f"translations/{lang}.yaml: {where}.{key} is not an option")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def set_path(options, dotted, value):
    *parents, last = dotted.split(".")
    for part in parents:
        options = options.setdefault(part, {})
    options[last] = value


def main(root, outdir):
    addon = os.path.join(root, ADDON)
    repository = load(os.path.join(root, "repository.yaml")) or {}
    if not isinstance(repository.get("name"), str) or not repository["name"]:
        problem("repository.yaml: no name")
    for key in ("url", "maintainer"):
        if not isinstance(repository.get(key), str):
            problem(f"repository.yaml: no {key}")

    configs = [p for p in tracked_files(root)
               if re.search(r"(^|/)config\.(ya?ml|json)$", p)
               and not any(part.startswith(".") or part == "rootfs" for part in p.split("/"))]
    if configs != [f"{ADDON}/config.yaml"]:
        problem(f"the Supervisor would take these for add-ons: {configs}")

    config = load(os.path.join(addon, "config.yaml")) or {}
    for key in ("name", "version", "slug", "description", "arch", "image"):
        if key not in config:
            problem(f"config.yaml: no {key}")
    if not isinstance(config.get("version"), str):
        problem("config.yaml: version must be a string")
    if not re.fullmatch(r"[-_.A-Za-z0-9]+", str(config.get("slug", ""))):
        problem("config.yaml: slug is not URI friendly")
    if set(config.get("arch", [])) != ARCHES:
        problem(f"config.yaml: arch is {config.get('arch')}, not {sorted(ARCHES)}")
    image = str(config.get("image", ""))
    if "{arch}" not in image or not re.fullmatch(
            r"([a-zA-Z\-.:\d{}]+/)*?([\-\w{}]+)/([\-\w{}]+)", image):
        problem(f"config.yaml: image '{image}' is not a per-architecture image name")
    if config.get("init") is not False:
        problem("config.yaml: init must be false (the base image's s6-overlay is the init)")
    build = load(os.path.join(addon, "build.yaml")) or {}
    if set((build.get("build_from") or {})) != ARCHES:
        problem("build.yaml: build_from must name a base image for each architecture")

    schema, defaults = config.get("schema") or {}, config.get("options") or {}
    check_types(schema)
    check_value("options", schema, defaults)
    leaves = option_names(schema)
    given = option_names(defaults)
    for name, typ in leaves.items():
        element = typ[0] if isinstance(typ, list) else typ
        optional = isinstance(element, str) and element.endswith("?")
        if not optional and name not in given:
            problem(f"config.yaml: {name} is required (no ?) but options gives it no default")
        if given.get(name, "") is None and name not in ENTERED:
            problem(f"config.yaml: {name} is left to the user; add what one would enter to ENTERED")
    for secret in SECRETS:
        if not str(leaves.get(secret, "")).startswith("password"):
            problem(f"config.yaml: {secret} must be a password field")

    for lang in ("en", "ja"):
        translation = load(os.path.join(addon, "translations", f"{lang}.yaml")) or {}
        check_translation(lang, translation.get("configuration"), schema, "configuration")

    with open(os.path.join(addon, "options-to-toml.jq"), encoding="utf-8") as f:
        jq_text = f.read()
    for name in set(leaves) | list_fields(schema):
        key = name.split(".")[-1]
        if not re.search(r"\." + re.escape(key) + r"\b", jq_text):
            problem(f"options-to-toml.jq does not map {name}")

    for name in ("DOCS.md", "README.md", "CHANGELOG.md", "apparmor.txt"):
        if not os.path.isfile(os.path.join(addon, name)):
            problem(f"{ADDON}/{name} is missing")
    sizes = {name: png_size(os.path.join(addon, name)) if os.path.isfile(
        os.path.join(addon, name)) else None for name in ("icon.png", "logo.png")}
    if sizes["icon.png"] != (128, 128):
        problem(f"icon.png must be a 128x128 PNG, is {sizes['icon.png']}")
    if sizes["logo.png"] is None:
        problem("logo.png must be a PNG")
    apparmor = ""
    if os.path.isfile(os.path.join(addon, "apparmor.txt")):
        with open(os.path.join(addon, "apparmor.txt"), encoding="utf-8") as f:
            apparmor = f.read()
    body = re.sub(r"#.*", "", apparmor)
    if not re.search(rf"^profile {re.escape(str(config.get('slug')))} ", apparmor, re.M):
        problem("apparmor.txt: the profile is not named after the slug")
    if body.count("{") != body.count("}"):
        problem("apparmor.txt: unbalanced braces")
    for rule in ("/dev/ttyUSB", "/dev/ttyACM", "network inet dgram", "network inet6 dgram",
                 "network inet stream", "/data/"):
        if rule not in body:
            problem(f"apparmor.txt lacks {rule}")

    options = json.loads(json.dumps(defaults))
    for name, value in ENTERED.items():
        set_path(options, name, value)
    full = json.loads(json.dumps(options))
    for name, value in FULL.items():
        set_path(full, name, value)
    check_value("full options", schema, full)
    missing = set(leaves) - set(option_names(full))
    if missing:
        problem(f"the full options leave out {sorted(missing)}")
    for name, data in (("options.json", options), ("full.json", full)):
        with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
            json.dump(data, f)
    print(f"add-on checks: {len(leaves)} options, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
