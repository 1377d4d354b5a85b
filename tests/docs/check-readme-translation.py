#!/usr/bin/env python3
"""Checks that a translated README stays in step with README.md.

    check-readme-translation.py README.md README.ja.md

The translation may word everything its own way, but what a reader copies or follows must be the
same in both, section for section (a section runs from one heading to the next):
  - the same headings: count, order and level (#, ##, ### ...);
  - byte-identical fenced code blocks, in the same sections and order;
  - the same inline code spans (commands, config keys, topics, entity ids) in each section;
  - the same link targets in each section, and every relative one exists;
  - the same number of table rows in each section;
  - prose in every section of the translation that is actually translated (has kana or kanji);
  - a language switch near the top of each file that links to the other.
HTML comments are ignored. Exits 1 with one line per difference, 0 when they are in step.
"""
import os
import re
import sys

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
LINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
SWITCH_LINES = 6  # the language switch must be within this many non-empty lines of the top


class Section:
    def __init__(self, level, title, line):
        self.level = level  # 0 for the text before the first heading
        self.title = title
        self.line = line
        self.code_blocks = []  # (opening line number, full text of the block with its fences)
        self.prose = []  # lines outside code blocks, HTML comments removed

    def name(self):
        return f"{'#' * self.level} {self.title}" if self.level else "(text before the title)"


def strip_comments(text):
    # Keeps the line count, so line numbers in messages stay right.
    return re.sub(r"<!--.*?-->", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)


def parse(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    sections = [Section(0, "", 1)]
    fence = None
    block = []
    block_line = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        if fence is not None:
            block.append(line)
            stripped = line.strip()
            if stripped.startswith(fence) and stripped.strip(fence[0]) == "":
                sections[-1].code_blocks.append((block_line, "".join(block)))
                fence = None
            continue
        m = FENCE.match(line)
        if m:
            fence = m.group(1)
            block = [line]
            block_line = number
            continue
        sections[-1].prose.append(line)
        h = HEADING.match(line)
        if h:
            sections.append(Section(len(h.group(1)), h.group(2), number))
    if fence is not None:
        sections[-1].code_blocks.append((block_line, "".join(block) + "(unclosed fence)"))
    for s in sections:
        s.prose = strip_comments("".join(s.prose))
    return sections


def code_spans(prose):
    # A span may be wrapped onto the next line; the wrapping is not part of it.
    return {" ".join(m.group(2).split()) for m in CODE_SPAN.finditer(prose)}


def link_targets(prose):
    # Inline code may show link syntax as an example; it is not a link.
    return [m.group(1) for m in LINK.finditer(CODE_SPAN.sub("", prose))]


def table_rows(prose):
    return sum(1 for line in prose.splitlines() if line.lstrip().startswith("|"))


def fingerprint(section):
    # What a section must share with its counterpart, whatever the language.
    return (section.level, [b for _, b in section.code_blocks], code_spans(section.prose),
            table_rows(section.prose))


def first_difference(a, b):
    a_lines, b_lines = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(a_lines, b_lines)):
        if x != y:
            return f"line {i + 1} of the block: {x!r} vs {y!r}"
    return f"{len(a_lines)} vs {len(b_lines)} lines"


def check(original_path, translation_path):
    problems = []
    original, translation = parse(original_path), parse(translation_path)
    o_name, t_name = os.path.basename(original_path), os.path.basename(translation_path)

    if len(original) != len(translation) or any(
            o.level != t.level for o, t in zip(original, translation)):
        problems.append(f"{o_name} has {len(original) - 1} headings, {t_name} has "
                        f"{len(translation) - 1}, or their levels differ")
        # Point at the first pair of sections that differ in level or content, where a section
        # was most likely added or removed on one side only.
        for o, t in zip(original, translation):
            if fingerprint(o) != fingerprint(t):
                problems.append(f"first section out of step: {o_name}:{o.line} '{o.name()}' "
                                f"vs {t_name}:{t.line} '{t.name()}'")
                break
        else:
            shorter, longer = ((t_name, original) if len(original) > len(translation) else
                               (o_name, translation))
            extra = longer[min(len(original), len(translation))]
            problems.append(f"'{extra.name()}' (line {extra.line}) and what follows it have no "
                            f"counterpart in {shorter}")
        return problems  # sections cannot be paired; comparing them would only add noise

    for o, t in zip(original, translation):
        where = f"section '{o.name()}' ({o_name}:{o.line}, {t_name}:{t.line})"
        o_blocks, t_blocks = [b for _, b in o.code_blocks], [b for _, b in t.code_blocks]
        if len(o_blocks) != len(t_blocks):
            problems.append(f"{where}: {len(o_blocks)} code blocks vs {len(t_blocks)}")
        for i, (ob, tb) in enumerate(zip(o.code_blocks, t.code_blocks)):
            if ob[1] != tb[1]:
                problems.append(f"{where}: code block {i + 1} ({o_name}:{ob[0]}, {t_name}:{tb[0]}) "
                                f"differs at {first_difference(ob[1], tb[1])}")
        o_spans, t_spans = code_spans(o.prose), code_spans(t.prose)
        for span in sorted(o_spans - t_spans):
            problems.append(f"{where}: `{span}` is in {o_name} but not in {t_name}")
        for span in sorted(t_spans - o_spans):
            problems.append(f"{where}: `{span}` is in {t_name} but not in {o_name}")
        o_links = {u.split("#")[0] for u in link_targets(o.prose)} - {t_name}
        t_links = {u.split("#")[0] for u in link_targets(t.prose)} - {o_name}
        for link in sorted(o_links - t_links):
            problems.append(f"{where}: link to {link} is in {o_name} but not in {t_name}")
        for link in sorted(t_links - o_links):
            problems.append(f"{where}: link to {link} is in {t_name} but not in {o_name}")
        if table_rows(o.prose) != table_rows(t.prose):
            problems.append(
                f"{where}: {table_rows(o.prose)} table rows vs {table_rows(t.prose)}")
        prose = re.sub(r"`[^`]*`|\[|\]\([^)]*\)", "", t.prose)
        heading_free = "\n".join(l for l in prose.splitlines() if not HEADING.match(l))
        if heading_free.strip() and not JAPANESE.search(heading_free):
            problems.append(f"{where}: the text in {t_name} is not translated")

    for path, sections in ((original_path, original), (translation_path, translation)):
        base = os.path.dirname(os.path.abspath(path))
        for s in sections:
            for link in link_targets(s.prose):
                target = link.split("#")[0]
                if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                    continue  # an anchor in the same file, or an absolute URL
                if not os.path.exists(os.path.join(base, target)):
                    problems.append(f"{os.path.basename(path)}: link to {link} in section "
                                    f"'{s.name()}' points at nothing")

    for path, other in ((original_path, t_name), (translation_path, o_name)):
        with open(path, encoding="utf-8") as f:
            top = [l for l in strip_comments(f.read()).splitlines() if l.strip()][:SWITCH_LINES]
        if not any(other in link_targets(l) for l in top):
            problems.append(f"{os.path.basename(path)}: no link to {other} in its first "
                            f"{SWITCH_LINES} lines (the language switch)")
    return problems


def main(argv):
    if len(argv) != 3:
        print("usage: " + __doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    missing = [p for p in argv[1:] if not os.path.isfile(p)]
    if missing:
        print(f"FAIL: {', '.join(missing)} does not exist")
        return 1
    problems = check(argv[1], argv[2])
    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        print(f"{len(problems)} difference(s): bring {os.path.basename(argv[2])} in step with "
              f"{os.path.basename(argv[1])}")
        return 1
    print(f"OK: {os.path.basename(argv[2])} is in step with {os.path.basename(argv[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
