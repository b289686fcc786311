/* colours.c - the Foundation's colours mapped onto what a terminal offers. */
#include "art/colours.h"

#include <limits.h>
#include <stddef.h>

enum colour_mode colours_choose(bool has_colors, int ncolors, bool can_change, bool no_color)
{
    if (no_color || !has_colors || ncolors < 8)
        return COLOUR_NONE;
    if (ncolors >= 256 && can_change)
        return COLOUR_EXACT;
    if (ncolors >= 256)
        return COLOUR_XTERM256;
    return COLOUR_BASIC8;
}

static const int cube_steps[6] = {0, 95, 135, 175, 215, 255};

static int nearest_step(int v)
{
    int best = 0;
    for (int i = 1; i < 6; i++) {
        int d = v - cube_steps[i], b = v - cube_steps[best];
        if (d * d < b * b)
            best = i;
    }
    return best;
}

static int dist2(int r1, int g1, int b1, int r2, int g2, int b2)
{
    return (r1 - r2) * (r1 - r2) + (g1 - g2) * (g1 - g2) + (b1 - b2) * (b1 - b2);
}

int colours_xterm256(uint32_t rgb)
{
    int r = (int)(rgb >> 16 & 0xFF), g = (int)(rgb >> 8 & 0xFF), b = (int)(rgb & 0xFF);
    int ri = nearest_step(r), gi = nearest_step(g), bi = nearest_step(b);
    int cube = 16 + 36 * ri + 6 * gi + bi;
    int cube_d = dist2(r, g, b, cube_steps[ri], cube_steps[gi], cube_steps[bi]);
    /* The grey ramp 232-255 is 8, 18, ..., 238. */
    int avg = (r + g + b) / 3;
    int gi_ramp = avg < 8 ? 0 : (avg - 8 + 5) / 10;
    if (gi_ramp > 23)
        gi_ramp = 23;
    int grey = 8 + 10 * gi_ramp;
    int grey_d = dist2(r, g, b, grey, grey, grey);
    return grey_d < cube_d ? 232 + gi_ramp : cube;
}

int colours_basic8(uint32_t rgb)
{
    int r = (int)(rgb >> 16 & 0xFF), g = (int)(rgb >> 8 & 0xFF), b = (int)(rgb & 0xFF);
    int max = r > g ? (r > b ? r : b) : (g > b ? g : b);
    int min = r < g ? (r < b ? r : b) : (g < b ? g : b);
    int chroma = max - min;
    /* Greys go to black or white; everything else to the nearest of the six hues. */
    if (chroma < 40 || max == 0 || chroma * 100 / max < 25)
        return max < 64 ? 0 : 7;
    int hue;
    if (max == r)
        hue = (60 * (g - b) / chroma + 360) % 360;
    else if (max == g)
        hue = 60 * (b - r) / chroma + 120;
    else
        hue = 60 * (r - g) / chroma + 240;
    static const struct {
        int hue, colour;
    } hues[] = {{0, 1}, {60, 3}, {120, 2}, {180, 6}, {240, 4}, {300, 5}, {360, 1}};
    int best = 1, best_d = INT_MAX;
    for (size_t i = 0; i < sizeof(hues) / sizeof(hues[0]); i++) {
        int d = hue > hues[i].hue ? hue - hues[i].hue : hues[i].hue - hue;
        if (d < best_d) {
            best_d = d;
            best = hues[i].colour;
        }
    }
    return best;
}
