/*
 * vis.h - untrusted text made visible before it reaches a terminal or a log.
 *
 * Text from users, servers and stores may hold terminal controls: ESC sequences (OSC 52
 * writes the clipboard, CSI 2J clears the screen), C1 controls (0x9b is a one-byte CSI for
 * some terminals), bidi overrides that reorder what is shown, and bytes that are not UTF-8.
 * Every program prints such text only through these helpers, which show each of them as a
 * visible escape and keep every other character, so a title can be read but never obeyed:
 *
 *   C0 controls and DEL  \a \b \t \n \v \f \r \e, others \x01 .. \x1f, \x7f
 *   C1 controls U+0080-U+009F (UTF-8)  \u0080 .. \u009f
 *   bidi controls U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069  \u061c ..
 *   a byte that is not part of valid UTF-8 (raw C1 bytes too)  \x80 .. \xff
 *
 * The escapes are not reversible (a user may type a literal "\e"): use --raw for bytes.
 * The escaper does not depend on the locale, unlike vis(3) in libbsd.
 */
#ifndef SCIPNET_VIS_H
#define SCIPNET_VIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Flags: which whitespace controls stay as they are (everything else is always escaped). */
#define VIS_TAB  0x1u /* keep tabs */
#define VIS_NL   0x2u /* keep every newline (multi-line text: a file's body) */
#define VIS_EOL  0x4u /* keep only a newline that ends the text (one line of output) */
#define VIS_JSON 0x8u /* the text is JSON: every escape is \u00XX, so it still means the same */
#define VIS_TEXT (VIS_TAB | VIS_NL)
#define VIS_LINE (VIS_TAB | VIS_EOL)

/* The size of a buffer that holds any escaped form of n bytes, with its NUL (a control
 * byte is 6 with VIS_JSON: \u001b). */
#define VIS_SIZE(n) (6 * (size_t)(n) + 1)

/* True for a code point shown escaped: C0 (tab and newline too), DEL, C1, bidi controls. */
bool vis_hidden_codepoint(uint32_t cp);

/*
 * Escapes len bytes of src into dst (size bytes, always NUL-terminated when size > 0).
 * Returns the length of the whole escaped text, like snprintf; when that is >= size, dst
 * holds as many whole escapes as fit, never half of one.
 */
size_t vis_encode(char *dst, size_t size, const char *src, size_t len, unsigned flags);
/* vis_encode of a C string into a new buffer; NULL when out of memory. */
char *vis_dup(const char *s, unsigned flags);

/*
 * The print helpers: every program's output of text it did not write itself goes through
 * these.  They return 0, or EOF on a write error.
 */
int vis_fputs(FILE *f, const char *s, unsigned flags);
/* Formats, then prints the whole result escaped with flags. */
int vis_fprintf(FILE *f, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The stream whose output the print helpers pass through unchanged (the client's --raw for
 * stdout), or NULL for none, the default.  Set once at start-up.
 */
void vis_set_raw(FILE *stream);

#endif
