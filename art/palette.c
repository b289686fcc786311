/* palette.c - Foundation colours made readable per theme, and told apart in 8 colours. */
#include "art/palette.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "art/canvas.h"

/*
 * The colours common/foundation.c sends, each with what it becomes.  The dark and light
 * colours are xterm-256 entries, so the 256-colour terminal shows exactly what the contrast
 * test measured.  In 8 colours attributes split the hues the terminal lacks (two reds).
 */
static const struct {
    uint32_t rgb;
    uint32_t dark, light;
    struct palette_ink basic;
} known[] = {
    {0x009F6B, 0x00AF5F, 0x008700, {2, 0}},        /* level 1, Safe: green */
    {0x0087BD, 0x0087D7, 0x005F87, {6, 0}},        /* level 2, Thaumiel: cyan */
    {0xFFD300, 0xFFD700, 0x5F5F00, {3, 0}},        /* level 3, Euclid: yellow */
    {0xFF6D00, 0xFF8700, 0xAF5F00, {5, 0}},        /* level 4, Archon: orange (magenta in 8) */
    {0xC40233, 0xFF5F5F, 0xAF0000, {1, INK_BOLD}}, /* level 5, Keter: red */
    {0x850005, 0xD75FFF, 0x870087, {1, INK_BOLD | INK_UNDER}}, /* level 6, Apollyon */
    {0x808080, 0xA8A8A8, 0x585858, {-1, INK_DIM}},             /* no class: grey */
};

int art_theme_parse(const char *name, enum art_theme *out)
{
    static const char *names[] = {"dark", "light", "mono"};
    for (size_t i = 0; name != NULL && i < sizeof(names) / sizeof(names[0]); i++) {
        if (strcmp(name, names[i]) == 0) {
            *out = (enum art_theme)i;
            return 0;
        }
    }
    return -1;
}

uint32_t art_theme_background(enum art_theme theme)
{
    return theme == THEME_LIGHT ? 0xFFFFFF : 0x000000;
}

static double channel(uint32_t v)
{
    double c = (double)v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4);
}

static double luminance(uint32_t rgb)
{
    return 0.2126 * channel(rgb >> 16 & 0xFF) + 0.7152 * channel(rgb >> 8 & 0xFF) +
           0.0722 * channel(rgb & 0xFF);
}

double palette_contrast(uint32_t a, uint32_t b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static uint32_t blend(uint32_t rgb, uint32_t to, int percent)
{
    uint32_t out = 0;
    for (int shift = 16; shift >= 0; shift -= 8) {
        int a = (int)(rgb >> shift & 0xFF), b = (int)(to >> shift & 0xFF);
        out |= (uint32_t)(a + (b - a) * percent / 100) << shift;
    }
    return out;
}

uint32_t palette_display_rgb(uint32_t rgb, enum art_theme theme)
{
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i].rgb == rgb)
            return theme == THEME_LIGHT ? known[i].light : known[i].dark;
    /* A colour this client does not know: moved towards the text colour until readable. */
    uint32_t bg = art_theme_background(theme), text = theme == THEME_LIGHT ? 0 : 0xFFFFFF;
    uint32_t out = rgb;
    for (int p = 10; p <= 100 && palette_contrast(out, bg) < 4.5; p += 10)
        out = blend(rgb, text, p);
    return out;
}

struct palette_ink palette_terminal(uint32_t rgb, enum art_theme theme, enum colour_mode mode)
{
    struct palette_ink none = {-1, 0};
    if (theme == THEME_MONO || mode == COLOUR_NONE)
        return none;
    if (mode == COLOUR_BASIC8) {
        for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
            if (known[i].rgb == rgb)
                return known[i].basic;
        struct palette_ink near = {colours_basic8(rgb), 0};
        return near;
    }
    struct palette_ink exact = {colours_xterm256(palette_display_rgb(rgb, theme)), 0};
    return exact;
}

uint32_t colours_xterm256_rgb(int index)
{
    static const uint32_t steps[6] = {0, 95, 135, 175, 215, 255};
    if (index >= 232) {
        uint32_t v = (uint32_t)(8 + 10 * (index - 232));
        return v << 16 | v << 8 | v;
    }
    int i = index - 16;
    if (i < 0)
        i = 0;
    return steps[i / 36 % 6] << 16 | steps[i / 6 % 6] << 8 | steps[i % 6];
}
