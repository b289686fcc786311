/*
 * fuzz_refs.c - file refs (common/foundation.c): parse -> format -> parse.
 *
 * For any string: foundation_ref_parse agrees with a model of the rule in
 * common/foundation.h (prefix SCP/SITE/MTF/USER in any case, a dash, 1-9 digits,
 * leading zeros allowed, value above 0, nothing else; an SCP ref may be 0 and end
 * in -<1-8 ASCII letters>, kept upper case); an accepted ref formats to its
 * canonical form (SCP- with at least three digits and its suffix, others unpadded), which
 * parses back to the same kind and number and formats to the same text.
 * Formatting into every smaller buffer stays in bounds and gives a prefix.  The
 * other vocabulary lookups get the same string, for crashes only.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/foundation.h"

static void die(const char *what, const char *text)
{
    fprintf(stderr, "fuzz_refs: %s: \"%s\"\n", what, text);
    abort();
}

/* The rule, written from the header. */
static int model(const char *text, struct foundation_ref *out)
{
    static const char *const prefixes[] = {"SCP", "SITE", "MTF", "USER"};
    for (int k = 0; k < 4; k++) {
        size_t pl = strlen(prefixes[k]);
        if (strncasecmp(text, prefixes[k], pl) != 0 || text[pl] != '-')
            continue;
        const char *d = text + pl + 1;
        size_t n = strspn(d, "0123456789");
        if (n < 1 || n > 9)
            return 0;
        memset(out->suffix, 0, sizeof(out->suffix));
        if (d[n] != '\0') {
            const char *s = d + n + 1;
            size_t m = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");
            if (k != 0 || d[n] != '-' || m < 1 || m > 8 || s[m] != '\0')
                return 0;
            for (size_t i = 0; i < m; i++)
                out->suffix[i] = (char)toupper((unsigned char)s[i]);
        }
        int64_t v = 0;
        for (size_t i = 0; i < n; i++)
            v = v * 10 + (d[i] - '0');
        if (v < 0 || (v == 0 && k != 0))
            return 0;
        out->kind = (enum foundation_ref_kind)k;
        out->number = v;
        return 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';

    struct foundation_ref ref = {REF_SCP, -1, "X"}, want = {REF_SCP, -1, "Y"};
    int ok = foundation_ref_parse(text, &ref);
    int want_ok = model(text, &want);
    if (ok != want_ok)
        die(ok ? "accepted a malformed ref" : "refused a well-formed ref", text);
    if (ok) {
        if (ref.kind != want.kind || ref.number != want.number ||
            strcmp(ref.suffix, want.suffix) != 0)
            die("parsed to the wrong kind, number or suffix", text);
        if (ref.number < (ref.kind == REF_SCP ? 0 : 1) || ref.number > 999999999)
            die("number out of range", text);
        char canon[32], again[32], expected[32];
        foundation_ref_format(&ref, canon, sizeof(canon));
        static const char *const prefixes[] = {"SCP", "SITE", "MTF", "USER"};
        if (ref.kind == REF_SCP)
            snprintf(expected, sizeof(expected), "SCP-%03" PRId64 "%s%s", ref.number,
                     ref.suffix[0] ? "-" : "", ref.suffix);
        else
            snprintf(expected, sizeof(expected), "%s-%" PRId64, prefixes[ref.kind], ref.number);
        if (strcmp(canon, expected) != 0)
            die("not the canonical form", text);
        struct foundation_ref back;
        if (!foundation_ref_parse(canon, &back))
            die("canonical form does not parse", canon);
        if (back.kind != ref.kind || back.number != ref.number ||
            strcmp(back.suffix, ref.suffix) != 0)
            die("round trip changed the ref", text);
        foundation_ref_format(&back, again, sizeof(again));
        if (strcmp(canon, again) != 0)
            die("format is not stable", text);
        /* Short buffers: in bounds, NUL-terminated, a prefix of the canonical form. */
        for (size_t n = 1; n <= strlen(canon) + 1; n++) {
            char *small = malloc(n);
            foundation_ref_format(&ref, small, n);
            if (strlen(small) != n - 1 || strncmp(small, canon, n - 1) != 0)
                die("truncated format is not a prefix", text);
            free(small);
        }
        enum foundation_ref_kind kind;
        if (!foundation_ref_kind_parse(foundation_ref_kind_name(ref.kind), &kind) ||
            kind != ref.kind)
            die("kind name does not round trip", text);
    }

    /* The rest of the vocabulary: crashes only, plus what each promises. */
    enum foundation_ref_kind kind;
    if (foundation_ref_kind_parse(text, &kind) && strcmp(foundation_ref_kind_name(kind), text) != 0)
        die("kind name differs from its parse", text);
    const char *title = foundation_title_canonical(text);
    if (title != NULL && strcasecmp(title, text) != 0)
        die("canonical title is another title", text);
    (void)foundation_status_valid(text);
    for (int k = FOUNDATION_CONTAINMENT; k <= FOUNDATION_RISK; k++) {
        const struct foundation_class *c = foundation_class_by_name(k, text);
        if (c != NULL && strcasecmp(c->name, text) != 0)
            die("class lookup found another class", text);
        const char *colour = foundation_class_colour(k, text);
        if (colour == NULL || colour[0] != '#' || strlen(colour) != 7)
            die("class colour is not #RRGGBB", text);
    }
    if (size >= 1) {
        int lv = (int8_t)data[0];
        const struct foundation_level *l = foundation_level(lv);
        if ((l != NULL) != (lv >= 1 && lv <= 6) || (l && l->level != lv))
            die("foundation_level range", text);
    }
    free(text);
    return 0;
}
