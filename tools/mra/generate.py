#!/usr/bin/env python3
"""Turns the ECHONET Machine Readable Appendix (MRA) into the project's compact C++ tables.

Usage: generate.py <mra-folder> <output-folder>

Reads definitions/definitions.json, superClass/0x0000.json, nodeProfile/0x0EF0.json and every
devices/0x????.json, and writes two C++ sources into <output-folder>:
  defs_generated_types.cpp    the value types (one shared, de-duplicated table) and their pools
  defs_generated_classes.cpp  the classes and their properties, sorted for binary search
The output depends only on the input (sorted files, insertion-ordered interning), so running it
twice gives identical files. Standard library only.
"""

import glob
import json
import os
import re
import sys

# Short names the MRA marks "DEL" (not part of its Web API mapping) still need a state key here.
DEL_NAMES = {0x97: "currentTime", 0x9D: "infPropertyMap", 0x9E: "setPropertyMap",
             0x9F: "getPropertyMap"}

# Enumeration names that mean "no value" (decoded as JSON null).
SENTINEL_NAMES = {"undefined", "unknown", "unmeasurable", "noData", "invalid", "unsupported"}

KINDS = ["number", "state", "numeric_value", "level", "bitmap", "raw", "date", "date_time", "time",
         "array", "object", "one_of"]
FORMATS = {"int8": (1, True), "int16": (2, True), "int32": (4, True), "uint8": (1, False),
           "uint16": (2, False), "uint32": (4, False)}
RULES = {"notApplicable": "not_applicable", "optional": "optional", "required": "required",
         "required_c": "conditional", "required_o": "conditional"}
RELEASE_ORDER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def fail(message):
    sys.exit("generate.py: " + message)


def snake_case(short_name):
    """camelCase → snake_case: an underscore before each capital that starts a word, lower-cased.
    Digits stay on the word before them; a run of capitals (an acronym) is one word."""
    out = []
    for i, c in enumerate(short_name):
        if c.isupper() and i > 0:
            prev = short_name[i - 1]
            nxt = short_name[i + 1] if i + 1 < len(short_name) else ""
            if prev.islower() or prev.isdigit() or (prev.isupper() and nxt.islower()):
                out.append("_")
        out.append(c.lower())
    return "".join(out)


def cpp_string(text):
    """A C++ string literal. Printable non-ASCII text (the Japanese names) stays UTF-8, so the
    generated tables read as they are shown; control characters are escaped (octal: a hex escape
    would swallow a hex digit after it)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if 32 <= ord(c) < 127 or ord(c) >= 0xA0 else "\\%03o" % ord(c)
                         for c in escaped) + '"'


def release_rank(release):
    return len(RELEASE_ORDER) if release == "latest" else RELEASE_ORDER.index(release)


def decimal_exponent(multiple):
    for exponent in range(-6, 7):
        if abs(multiple - 10.0 ** exponent) < 1e-12 * max(1.0, 10.0 ** exponent):
            return exponent
    fail("multiple %r is not a power of ten" % multiple)


class Tables:
    def __init__(self, definitions):
        self.definitions = definitions
        self.types = []            # rows: dicts with the TypeDef fields
        self.type_index = {}       # canonical key → index
        self.units = [""]
        self.enums = []            # (first edt, last edt, name, meaning, read_only)
        self.numeric_values = []   # (edt, value)
        self.bitmap_fields = []    # (name, byte_index, mask, type)
        self.object_fields = []    # (name, type)
        self.alternatives = []     # (type, tagged)
        self.allowed = []          # int64
        self.coefficients = []     # epc

    def resolve(self, data):
        if "$ref" in data:
            name = data["$ref"].split("/")[-1]
            if name not in self.definitions:
                fail("unknown $ref " + data["$ref"])
            merged = dict(self.definitions[name])
            merged.update({k: v for k, v in data.items() if k != "$ref"})
            return merged
        return data

    def pool(self, pool, rows):
        """Appends rows to a pool unless the same run is already there; returns (first, count)."""
        rows = list(rows)
        if not rows:
            return 0, 0
        n = len(rows)
        for first in range(0, len(pool) - n + 1):
            if pool[first:first + n] == rows:
                return first, n
        first = len(pool)
        pool.extend(rows)
        return first, n

    def unit(self, name):
        if name not in self.units:
            self.units.append(name)
        return self.units.index(name)

    def intern(self, row):
        key = tuple(sorted(row.items()))
        if key not in self.type_index:
            self.type_index[key] = len(self.types)
            self.types.append(row)
        return self.type_index[key]

    def type_of(self, data, in_bitmap=False):
        data = self.resolve(data)
        row = {"kind": "", "size": 0, "exponent": 0, "is_signed": False, "overflow_code": False,
               "underflow_code": False, "unit": 0, "first": 0, "count": 0, "extra_first": 0,
               "extra_count": 0, "item": 0, "value_first": 0, "min": 0, "max": 0}
        if "oneOf" in data:
            alternatives = [self.type_of(a, in_bitmap) for a in data["oneOf"]]
            tagged = self.tagging(alternatives)
            row["kind"] = "one_of"
            row["first"], row["count"] = self.pool(self.alternatives, zip(alternatives, tagged))
            sizes = {self.types[a]["size"] for a in alternatives}
            row["size"] = sizes.pop() if len(sizes) == 1 else 0
            return self.intern(row)
        kind = data.get("type")
        if kind == "number":
            size, signed = FORMATS[data["format"]]
            row.update(kind="number", size=size, is_signed=signed)
            multiple = data.get("multiple", data.get("multipleOf", 1))
            row["exponent"] = decimal_exponent(multiple)
            if "enum" in data:
                values = [int(v) for v in data["enum"]]
                row["min"], row["max"] = min(values), max(values)
                row["extra_first"], row["extra_count"] = self.pool(self.allowed, values)
                row["value_first"] = 1  # marks "only the listed values"
            else:
                row["min"], row["max"] = int(data["minimum"]), int(data["maximum"])
            row["overflow_code"] = bool(data.get("overflowCode", True))
            row["underflow_code"] = bool(data.get("underflowCode", True))
            row["unit"] = self.unit(data.get("unit", ""))
            epcs = [int(e, 16) for e in data.get("coefficient", [])]
            row["first"], row["count"] = self.pool(self.coefficients, epcs)
        elif kind == "state":
            row.update(kind="state", size=0 if in_bitmap else int(data["size"]))
            entries = []
            for e in data["enum"]:
                name = e["name"]
                meaning = {"true": "yes", "false": "no"}.get(name, "name")
                if name in SENTINEL_NAMES:
                    meaning = "sentinel"
                low, _, high = e["edt"].partition("...")  # a few entries name a range of codes
                entries.append((int(low, 16), int(high or low, 16), snake_case(name), meaning,
                                bool(e.get("readOnly", False))))
            row["first"], row["count"] = self.pool(self.enums, entries)
        elif kind == "numericValue":
            row.update(kind="numeric_value", size=int(data["size"]))
            entries = [(int(e["edt"], 16), float(e["numericValue"])) for e in data["enum"]]
            row["first"], row["count"] = self.pool(self.numeric_values, entries)
        elif kind == "level":
            if "base" in data:
                base = data["base"]
                row.update(size=(len(base) - 2) // 2, min=int(base, 16), value_first=1)
                row["max"] = row["min"] + int(data["maximum"]) - 1
            else:
                row.update(size=1, min=int(data["minimum"]), value_first=int(data["minimum"]))
                row["max"] = int(data["maximum"])
            if in_bitmap:
                row["size"] = 0
            row["kind"] = "level"
        elif kind == "bitmap":
            row.update(kind="bitmap", size=int(data["size"]))
            fields = []
            for b in data["bitmaps"]:
                index = int(b["position"]["index"])
                mask = int(b["position"]["bitMask"], 2)
                if index >= row["size"] or not 0 < mask < 256:
                    fail("bitmap field %s outside its %d bytes" % (b["name"], row["size"]))
                fields.append((snake_case(b["name"]), index, mask, self.type_of(b["value"], True)))
            row["first"], row["count"] = self.pool(self.bitmap_fields, fields)
        elif kind == "raw":
            row.update(kind="raw", min=int(data["minSize"]), max=int(data["maxSize"]))
            row["size"] = row["min"] if row["min"] == row["max"] else 0
        elif kind == "date":
            row.update(kind="date", size=int(data.get("size", 4)))
        elif kind == "date-time":
            row.update(kind="date_time", size=int(data.get("size", 7)))
        elif kind == "time":
            row.update(kind="time", size=int(data.get("size", 3)),
                       max=int(data.get("maximumOfHour", 23)))
        elif kind == "array":
            item = self.type_of(data["items"])
            item_size = int(data["itemSize"])
            if self.types[item]["size"] != item_size:
                fail("array item size %d does not match its type" % item_size)
            row.update(kind="array", item=item, value_first=item_size,
                       min=int(data.get("minItems", 0)), max=int(data["maxItems"]))
            row["size"] = item_size * row["min"] if row["min"] == row["max"] else 0
        elif kind == "object":
            fields = [(snake_case(p["shortName"]), self.type_of(p["element"]))
                      for p in data["properties"]]
            for name, t in fields[:-1]:
                if self.types[t]["size"] == 0:
                    fail("object field %s has a variable size but is not last" % name)
            row.update(kind="object")
            row["first"], row["count"] = self.pool(self.object_fields, fields)
            sizes = [self.types[t]["size"] for _, t in fields]
            row["size"] = 0 if 0 in sizes else sum(sizes)
        else:
            fail("unknown data type %r" % kind)
        if row["kind"] in ("date", "date_time", "time") and row["size"] not in (2, 3, 4, 6, 7):
            fail("unexpected %s size %d" % (row["kind"], row["size"]))
        return self.intern(row)

    def value_span(self, t):
        """The decoded range of a numeric alternative, or None when it decodes to no number."""
        row = self.types[t]
        if row["kind"] == "number":
            scale = 10.0 ** row["exponent"]
            return (row["min"] * scale, row["max"] * scale)
        if row["kind"] == "level":
            return (row["value_first"], row["value_first"] + row["max"] - row["min"])
        if row["kind"] == "numeric_value":
            values = [v for _, v in self.numeric_values[row["first"]:row["first"] + row["count"]]]
            return (min(values), max(values))
        return None

    def tagging(self, alternatives):
        """A numeric alternative whose values overlap an earlier one's cannot be told apart by its
        JSON value; it is decoded as {"alternative": i, "value": v} instead."""
        tagged, spans = [], []
        for t in alternatives:
            span = self.value_span(t)
            clash = span is not None and any(s[0] <= span[1] and span[0] <= s[1] for s in spans)
            tagged.append(clash)
            if span is not None:
                spans.append(span)
        return tagged


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def latest_properties(properties):
    """One definition per EPC: the one valid in the newest release."""
    by_epc = {}
    for p in properties:
        epc = int(p["epc"], 16)
        rank = release_rank(p["validRelease"]["to"])
        if epc not in by_epc or rank > by_epc[epc][0]:
            by_epc[epc] = (rank, p)
    return [by_epc[epc][1] for epc in sorted(by_epc)]


def property_name(epc, short_name):
    if short_name == "DEL":
        if epc not in DEL_NAMES:
            fail("no name for the DEL property 0x%02X" % epc)
        short_name = DEL_NAMES[epc]
    return snake_case(re.sub(r"\(.*\)$", "", short_name))


def display_name(text):
    """A name as people read it: surrounding blanks dropped, inner runs of blanks made one."""
    return " ".join(text.split())


def build(mra):
    definitions = load(os.path.join(mra, "definitions", "definitions.json"))["definitions"]
    tables = Tables(definitions)
    files = [os.path.join(mra, "superClass", "0x0000.json"),
             os.path.join(mra, "nodeProfile", "0x0EF0.json")]
    files += sorted(glob.glob(os.path.join(mra, "devices", "0x*.json")))
    classes = []
    for path in files:
        doc = load(path)
        code = int(doc["eoj"], 16)
        props = []
        seen = set()
        for p in latest_properties(doc["elProperties"]):
            epc = int(p["epc"], 16)
            if epc >= 0xF0:
                continue  # maker-specific range: passed through as hex
            name = property_name(epc, p["shortName"])
            if name in seen:
                fail("class 0x%04X has two properties named %s" % (code, name))
            seen.add(name)
            rule = p["accessRule"]
            names = p["propertyName"]
            props.append((epc, name, names["en"], display_name(names["ja"]), RULES[rule["get"]],
                          RULES[rule["set"]], RULES[rule["inf"]], tables.type_of(p["data"])))
        classes.append((code, snake_case(doc["shortName"]), doc["className"]["en"],
                        display_name(doc["className"]["ja"]), props))
    classes.sort()
    return tables, classes


HEADER = """// clang-format off
// Generated by tools/mra/generate.py from the ECHONET Machine Readable Appendix {version}
// (see NOTICE). Do not edit by hand; regenerate instead.
"""


def write_types(tables, version, out):
    lines = [HEADER.format(version=version), "#include \"hems/echonet/defs_tables.hpp\"", "",
             "namespace hems::echonet::defs {", "namespace {", ""]
    lines.append("constexpr std::string_view kUnits[] = {")
    lines += ["    %s," % cpp_string(u) for u in tables.units]
    lines.append("};")
    lines.append("constexpr EnumEntry kEnums[] = {")
    for low, high, name, meaning, read_only in tables.enums:
        lines.append("    {0x%X, 0x%X, %s, EnumMeaning::%s, %s}," %
                     (low, high, cpp_string(name), meaning, "true" if read_only else "false"))
    lines.append("};")
    lines.append("constexpr NumericValueEntry kNumericValues[] = {")
    lines += ["    {0x%X, %r}," % (edt, value) for edt, value in tables.numeric_values]
    lines.append("};")
    lines.append("constexpr BitmapField kBitmapFields[] = {")
    lines += ["    {%s, %d, 0x%02X, %d}," % (cpp_string(n), i, m, t)
              for n, i, m, t in tables.bitmap_fields]
    lines.append("};")
    lines.append("constexpr ObjectField kObjectFields[] = {")
    lines += ["    {%s, %d}," % (cpp_string(n), t) for n, t in tables.object_fields]
    lines.append("};")
    lines.append("constexpr Alternative kAlternatives[] = {")
    lines += ["    {%d, %s}," % (t, "true" if tagged else "false")
              for t, tagged in tables.alternatives]
    lines.append("};")
    lines.append("constexpr std::int64_t kAllowed[] = {")
    lines += ["    %d," % v for v in tables.allowed] or ["    0,"]
    lines.append("};")
    lines.append("constexpr std::uint8_t kCoefficients[] = {")
    lines += ["    0x%02X," % e for e in tables.coefficients] or ["    0,"]
    lines.append("};")
    lines.append("// kind, size, exponent, signed, overflow, underflow, unit, first, count,")
    lines.append("// extra_first, extra_count, item, value_first, min, max")
    lines.append("constexpr TypeDef kTypes[] = {")
    for r in tables.types:
        lines.append("    {Kind::%s, %d, %d, %s, %s, %s, %d, %d, %d, %d, %d, %d, %d, %dLL, %dLL}," % (
            r["kind"], r["size"], r["exponent"], str(r["is_signed"]).lower(),
            str(r["overflow_code"]).lower(), str(r["underflow_code"]).lower(), r["unit"],
            r["first"], r["count"], r["extra_first"], r["extra_count"], r["item"],
            r["value_first"], r["min"], r["max"]))
    lines.append("};")
    lines += ["", "}  // namespace", ""]
    lines.append("const Tables& tables() {")
    lines.append("  static constexpr Tables kTables{kTypes, kUnits, kEnums, kNumericValues, "
                 "kBitmapFields, kObjectFields, kAlternatives,")
    lines.append("                                  {kAllowed, %d}, {kCoefficients, %d}};" %
                 (len(tables.allowed), len(tables.coefficients)))
    lines.append("  return kTables;")
    lines.append("}")
    lines += ["", "}  // namespace hems::echonet::defs", ""]
    out.write("\n".join(lines))


def write_classes(classes, version, out):
    lines = [HEADER.format(version=version), "#include \"hems/echonet/defs_tables.hpp\"", "",
             "namespace hems::echonet::defs {", "namespace {", ""]
    for code, _, _, _, props in classes:
        lines.append("constexpr PropertyDef kProperties%04X[] = {" % code)
        for epc, name, name_en, name_ja, get, set_, inf, t in props:
            lines.append("    {0x%02X, %s, %s, %s, Rule::%s, Rule::%s, Rule::%s, %d}," %
                         (epc, cpp_string(name), cpp_string(name_en), cpp_string(name_ja), get,
                          set_, inf, t))
        lines.append("};")
    lines.append("constexpr ClassDef kClasses[] = {")
    for code, name, name_en, name_ja, _ in classes:
        lines.append("    {0x%04X, %s, %s, %s, kProperties%04X}," %
                     (code, cpp_string(name), cpp_string(name_en), cpp_string(name_ja), code))
    lines.append("};")
    lines += ["", "}  // namespace", ""]
    lines.append("std::span<const ClassDef> all_classes() { return kClasses; }")
    lines += ["", "}  // namespace hems::echonet::defs", ""]
    out.write("\n".join(lines))


def main(argv):
    if len(argv) != 3:
        sys.exit("usage: generate.py <mra-folder> <output-folder>")
    mra, out_dir = argv[1], argv[2]
    meta = load(os.path.join(mra, "metaData.json"))["metaData"]
    version = "v%s (release %s, %s)" % (meta["dataVersion"], meta["release"], meta["date"])
    tables, classes = build(mra)
    with open(os.path.join(out_dir, "defs_generated_types.cpp"), "w", encoding="utf-8",
              newline="\n") as out:
        write_types(tables, version, out)
    with open(os.path.join(out_dir, "defs_generated_classes.cpp"), "w", encoding="utf-8",
              newline="\n") as out:
        write_classes(classes, version, out)
    print("%d classes, %d properties, %d types" %
          (len(classes), sum(len(c[4]) for c in classes), len(tables.types)))


if __name__ == "__main__":
    main(sys.argv)
