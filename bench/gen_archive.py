#!/usr/bin/env python3
"""Writes an archive of N SCP articles of realistic size for `deepwell import`.

    deepwell init --db demo.db --demo && deepwell export --db demo.db BASE
    python3 bench/gen_archive.py BASE OUT --articles 10000
    deepwell import --db bench.db OUT

OUT is BASE (the demo's users, sites and task forces) plus N generated files numbered
from 1000, in the export format (docs/import.md): manifest.json and one markdown file
per section.  Each article has procedures, a description and 0-3 addenda, about 5 KB
in all like an SCP wiki article, of words drawn with Zipf's law from a fixed
vocabulary, with [[LEVEL n]] passages above the file's level.  Seeded: the same
arguments write the same archive.
"""
import argparse
import json
import os
import random
import shutil
from urllib.parse import quote

COMMON = ("the of and to a in is that it was for on as with be by at this are from or "
          "an which not all were its has been have one their may any when no other into "
          "subject object personnel containment foundation site anomalous effect test "
          "procedures description staff researcher agent class level chamber recovered "
          "incident observed exposure during within must entity instance addendum memetic "
          "approved director keter euclid safe unknown reported following interview").split()
SYLLABLES = "ka ri to mu sen lo va qui dra mor tel ix ne ul phe gra zo bi an cor".split()
CLASSES = ["Safe", "Euclid", "Keter"]


def vocabulary(rng, size):
    words = list(COMMON)
    seen = set(words)
    while len(words) < size:
        w = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def paragraph(rng, words, weights, n):
    out = rng.choices(words, weights=weights, k=n)
    out[0] = out[0].capitalize()
    return " ".join(out) + "."


def section_text(rng, words, weights, level, size):
    parts = []
    while sum(len(p) for p in parts) < size:
        p = paragraph(rng, words, weights, rng.randint(20, 60))
        if level < 6 and rng.random() < 0.25:
            p = "[[LEVEL %d]]%s[[/LEVEL]]" % (rng.randint(level + 1, 6), p)
        parts.append(p)
    return "\n\n".join(parts) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    words = vocabulary(rng, 8000)
    weights = [1.0 / (i + 1) for i in range(len(words))]
    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    shutil.copytree(args.base, args.out)
    with open(os.path.join(args.out, "manifest.json")) as f:
        manifest = json.load(f)
    for i in range(args.articles):
        number = 1000 + i
        level = rng.choice([1, 2, 2, 3, 3, 4, 5])
        folder = os.path.join(args.out, "scps", str(number))
        os.makedirs(os.path.join(folder, "addenda"))
        sections = []

        def add(kind, title, path, size):
            with open(os.path.join(args.out, path), "w") as f:
                f.write(section_text(rng, words, weights, level, size))
            sections.append({"file": path, "kind": kind, "level": level,
                             "position": len(sections) + 1, "title": title})

        add("containment", "Special Containment Procedures",
            "scps/%d/cps.md" % number, rng.randint(600, 1500))
        add("description", "Description", "scps/%d/desc.md" % number, rng.randint(1500, 3500))
        for a in range(rng.randint(0, 3)):
            title = "Addendum %d-%d" % (number, a + 1)
            add("addendum", title, "scps/%d/addenda/%s.md" % (number, quote(title)),
                rng.randint(300, 1200))
        manifest["scps"].append({
            "number": number, "title": " ".join(rng.choices(words[60:], k=2)).title(),
            "level": level, "containment": rng.choice(CLASSES), "secondary": None,
            "disruption": None, "risk": None, "site": None, "task_force": None,
            "status": "active", "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": "2026-01-01T00:00:00.000Z", "sections": sections})
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f)


if __name__ == "__main__":
    main()
