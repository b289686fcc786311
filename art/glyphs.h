/*
 * glyphs.h - what a terminal that cannot draw Unicode (LANG=C, a non-UTF-8 locale) sees
 * instead: boxes in +-|, the ellipsis as '~', and a redaction as reversed '#', so a cut
 * passage always reads as one.
 */
#ifndef SCIPNET_ART_GLYPHS_H
#define SCIPNET_ART_GLYPHS_H

#include <stdbool.h>
#include <stdint.h>
#include <wchar.h>

/* True when the locale's codeset (nl_langinfo(CODESET)) can carry box drawing. */
bool art_charset_unicode(const char *codeset);
/* The ASCII stand-in for ch; may add INK_* attributes to *attrs (a redaction block is
 * reversed).  Characters with no stand-in become '?'. */
wchar_t art_ascii_glyph(wchar_t ch, uint8_t *attrs);

#endif
