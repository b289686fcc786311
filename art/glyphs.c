/* glyphs.c - ASCII stand-ins for the box drawing, blocks and punctuation screens use. */
#include "art/glyphs.h"

#include <ctype.h>
#include <stddef.h>
#include <strings.h>

#include "art/canvas.h"

bool art_charset_unicode(const char *codeset)
{
    return codeset != NULL &&
           (strcasecmp(codeset, "UTF-8") == 0 || strcasecmp(codeset, "UTF8") == 0);
}

wchar_t art_ascii_glyph(wchar_t ch, uint8_t *attrs)
{
    static const struct {
        wchar_t from, to;
    } map[] = {
        {L'─', '-'}, {L'━', '-'}, {L'═', '='}, {L'│', '|'},  {L'┃', '|'},  {L'║', '|'}, {L'┌', '+'},
        {L'┐', '+'}, {L'└', '+'}, {L'┘', '+'}, {L'├', '+'},  {L'┤', '+'},  {L'┬', '+'}, {L'┴', '+'},
        {L'┼', '+'}, {L'╔', '+'}, {L'╗', '+'}, {L'╚', '+'},  {L'╝', '+'},  {L'…', '~'}, {L'·', '-'},
        {L'•', '*'}, {L'–', '-'}, {L'—', '-'}, {L'‘', '\''}, {L'’', '\''}, {L'“', '"'}, {L'”', '"'},
        {L'←', '<'}, {L'→', '>'}, {L'↑', '^'}, {L'↓', 'v'},  {L'◦', 'o'},  {L'▪', '*'},
    };
    if (ch >= 0x20 && ch < 0x7F)
        return ch;
    /* Blocks: a redaction must stay visible without colour or Unicode. */
    if (ch == L'█' || ch == L'▓' || ch == L'▒' || ch == L'░') {
        *attrs |= INK_REVERSE;
        return '#';
    }
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].from == ch)
            return map[i].to;
    return '?';
}
