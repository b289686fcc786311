/*
 * hex.h - the one hex-digit reader (colours in art/, %XX escapes in file names).
 */
#ifndef SCIPNET_COMMON_HEX_H
#define SCIPNET_COMMON_HEX_H

/* 0..15 for 0-9, a-f and A-F; -1 for any other char (a NUL, a byte >= 0x80). */
int hex_digit(char c);

#endif
