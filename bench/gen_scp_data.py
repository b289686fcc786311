#!/usr/bin/env python3
"""Writes a made-up scp-data dump (the items/ folder: content_*.json) for the import bench.

    bench/gen_scp_data.py OUT_DIR [--articles N] [--per-file N] [--seed N]

Every word is generated here (no wiki text).  Pages are shaped and sized like the
wiki's: a rating module, an image block, Item #/Object Class, containment
procedures, a description of several paragraphs with emphasis, a table or a quote
now and then, one to three collapsible addenda, footnotes, the licence box and the
page navigation; about 20 KB of HTML each (the real archive's pages run 5-60 KB).
"""
import argparse
import json
import os
import random

SYLLABLES = ["ka", "tor", "vel", "mun", "dra", "sil", "pe", "rom", "zan", "qui", "lo", "ber",
             "nax", "ti", "gor", "ema", "ul", "shen", "vo", "rak"]
CLASSES = ["Safe", "Euclid", "Keter", "Thaumiel", "Neutralized", "Explained", "Apollyon"]


def word(rng):
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))


def sentence(rng, n=None):
    words = [word(rng) for _ in range(n or rng.randint(6, 18))]
    for i in range(len(words)):
        r = rng.random()
        if r < 0.03:
            words[i] = "<em>%s</em>" % words[i]
        elif r < 0.05:
            words[i] = "<strong>%s</strong>" % words[i]
        elif r < 0.06:
            words[i] = "SCP-%03d" % rng.randint(1, 9999)
    return " ".join(words).capitalize() + "."


def paragraph(rng, sentences=None):
    return "<p>%s</p>\n" % " ".join(sentence(rng) for _ in range(sentences or rng.randint(3, 7)))


def table(rng):
    rows = "".join("<tr><td>T-%d</td><td>%s</td><td>%s</td></tr>" % (i, sentence(rng, 4),
                                                                     sentence(rng, 8))
                   for i in range(rng.randint(3, 8)))
    return ('<table class="wiki-content-table"><tr><th>Test</th><th>Subject</th>'
            "<th>Result</th></tr>%s</table>\n" % rows)


def collapsible(rng, n, number):
    body = "".join(paragraph(rng) for _ in range(rng.randint(2, 5)))
    return ('<div class="collapsible-block"><div class="collapsible-block-folded">'
            '<a class="collapsible-block-link" href="javascript:;">+ Addendum %d-%d: %s</a></div>'
            '<div class="collapsible-block-unfolded" style="display:none">'
            '<div class="collapsible-block-unfolded-link"><a class="collapsible-block-link" '
            'href="javascript:;">- Hide</a></div><div class="collapsible-block-content">%s'
            "</div></div></div>\n" % (number, n, word(rng), body))


def page(rng, number):
    parts = ['<div class="page-rate-widget-box"><span class="rate-points">rating: '
             '<span class="number">+%d</span></span></div>\n' % rng.randint(-20, 900),
             '<div class="scp-image-block block-right" style="width:300px;"><img src="https://'
             'example.invalid/scp-%d.jpg" style="width:300px;" alt="scp-%d.jpg">'
             '<div class="scp-image-caption" style="width:300px;"><p>%s</p></div></div>\n'
             % (number, number, sentence(rng, 5)),
             "<p><strong>Item #:</strong> SCP-%03d</p>\n" % number,
             "<p><strong>Object Class:</strong> %s</p>\n" % rng.choice(CLASSES),
             "<p><strong>Special Containment Procedures:</strong> %s</p>\n"
             % " ".join(sentence(rng) for _ in range(5))]
    parts += [paragraph(rng) for _ in range(rng.randint(1, 3))]
    parts.append("<p><strong>Description:</strong> %s<sup class=\"footnoteref\"><a "
                 "id=\"footnoteref-1\" href=\"javascript:;\" class=\"footnoteref\">1</a></sup></p>\n"
                 % " ".join(sentence(rng) for _ in range(6)))
    parts += [paragraph(rng) for _ in range(rng.randint(4, 10))]
    if rng.random() < 0.5:
        parts.append(table(rng))
    if rng.random() < 0.5:
        parts.append("<blockquote>%s</blockquote>\n" % paragraph(rng))
    parts.append("<ul>%s</ul>\n" % "".join("<li>%s</li>" % sentence(rng)
                                             for _ in range(rng.randint(2, 6))))
    parts += [collapsible(rng, n + 1, number) for n in range(rng.randint(1, 3))]
    parts.append('<div class="footnotes-footer"><div class="title">Footnotes</div>'
                 '<div class="footnote-footer" id="footnote-1"><a href="javascript:;">1</a>. '
                 "%s</div></div>\n" % sentence(rng))
    parts.append('<div class="licensebox"><div class="collapsible-block">%s</div></div>\n'
                 % paragraph(rng, 4))
    parts.append('<div class="footer-wikiwalk-nav"><div style="text-align: center;"><p>&laquo; '
                 '<a href="/scp-%03d">SCP-%03d</a> | SCP-%03d | <a href="/scp-%03d">SCP-%03d</a> '
                 "&raquo;</p></div></div>\n" % (number - 1, number - 1, number, number + 1,
                                                  number + 1))
    return '<div id="page-content">\n%s</div>' % "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--per-file", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(args.out, exist_ok=True)
    total = 0
    for first in range(1, args.articles + 1, args.per_file):
        items = {}
        for number in range(first, min(first + args.per_file, args.articles + 1)):
            link = "scp-%03d" % number
            html = page(rng, number)
            total += len(html)
            items[link] = {
                "title": "SCP-%03d" % number, "scp": "SCP-%03d" % number, "scp_number": number,
                "series": "series-%d" % (number // 1000 + 1),
                "tags": sorted({"scp", rng.choice(CLASSES).lower(), word(rng)}),
                "rating": rng.randint(-20, 900), "creator": word(rng).capitalize(),
                "created_at": "20%02d-%02d-%02dT%02d:%02d:00" % (
                    rng.randint(8, 24), rng.randint(1, 12), rng.randint(1, 28),
                    rng.randint(0, 23), rng.randint(0, 59)),
                "url": "https://scp-wiki.example/" + link, "link": link,
                "references": [], "images": [], "raw_content": html, "raw_source": "",
            }
        name = os.path.join(args.out, "content_series_%05d.json" % first)
        with open(name, "w") as f:
            json.dump(items, f)
    print("%d articles, %.1f KB of HTML each on average" % (args.articles,
                                                           total / args.articles / 1024))


if __name__ == "__main__":
    main()
