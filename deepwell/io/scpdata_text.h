/*
 * scpdata_text.h - text helpers shared by the scp-data reader's modules (internal to
 * deepwell/io/): a growing buffer that remembers running out of memory, and markdown
 * back to plain text.
 */
#ifndef SCIPNET_DEEPWELL_IO_SCPDATA_TEXT_H
#define SCIPNET_DEEPWELL_IO_SCPDATA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* A NUL-terminated text that grows; oom set (and nothing more added) once malloc fails. */
struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_str(struct sbuf *b, const char *s);
/* A value of the page's metadata as markdown text: syntax escaped, no line breaks. */
void sb_escaped(struct sbuf *b, const char *s);
/* Markdown back to plain text for a title or a class: escapes and markers dropped. */
void scpdata_plain(const char *s, size_t n, char *out, size_t size);

#endif
