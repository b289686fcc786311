/*
 * scp_html.h - a wiki page's HTML turned into the document format (docs/markup.md):
 * CommonMark with GFM tables and strikethrough (internal to deepwell/io/).
 *
 * The HTML is parsed by libxml2's HTML parser, never matched by patterns.  Every
 * character of the page's own text that markdown would read as syntax is escaped,
 * '[' included, so no page can write a [[LEVEL n]] passage or a link of its own.
 * Collapsible blocks and tab views become "## title" headings (the import makes
 * them sections); images become "[image: caption]" lines; footnotes "[^n]" notes;
 * the rating module, licence box, page navigation, scripts and forms are dropped.
 */
#ifndef SCIPNET_DEEPWELL_IO_SCP_HTML_H
#define SCIPNET_DEEPWELL_IO_SCP_HTML_H

#include <stdbool.h>
#include <stddef.h>

/* Limits: a page larger than this is refused, as is one nested deeper. */
#define SCP_HTML_MAX_BYTES (8u * 1024 * 1024)
#define SCP_HTML_MAX_DEPTH 128

/*
 * Converts html[0..len) into *out (malloc'd, NUL-terminated markdown).  False with
 * a short reason in why ("nested deeper than 128 elements", "out of memory") when
 * the page is refused; *out is then NULL.
 */
bool scp_html_to_markdown(const char *html, size_t len, char **out, char *why, size_t whysize);

#endif
