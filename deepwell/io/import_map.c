/* import_map.c - name-based mapping of the original SCiPNET's lookup values. */
#include "deepwell/io/import_map.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Copies name lower-cased with every non-alphanumeric run turned into one space. */
static void normalise_words(const char *name, char *out, size_t size)
{
    size_t n = 0;
    bool pending_space = false;
    for (const unsigned char *p = (const unsigned char *)name; *p != '\0' && n + 2 < size; p++) {
        if (isalnum(*p)) {
            if (pending_space && n > 0)
                out[n++] = ' ';
            pending_space = false;
            out[n++] = (char)tolower(*p);
        } else {
            pending_space = true;
        }
    }
    out[n] = '\0';
}

/* Splits "l3" / "lvl3" / "level3" into the word and its digits (in place, with a space). */
static void split_letters_from_digits(char *words, size_t size)
{
    char tmp[256];
    size_t n = 0;
    for (size_t i = 0; words[i] != '\0' && n + 2 < sizeof(tmp); i++) {
        bool boundary =
            i > 0 && isalpha((unsigned char)words[i - 1]) && isdigit((unsigned char)words[i]);
        if (boundary)
            tmp[n++] = ' ';
        tmp[n++] = words[i];
    }
    tmp[n] = '\0';
    snprintf(words, size, "%s", tmp);
}

int import_level_from_name(const char *name)
{
    if (name == NULL)
        return 0;
    char words[256];
    normalise_words(name, words, sizeof(words));
    split_letters_from_digits(words, sizeof(words));

    /* Keep the words that are not "level" or a number; remember the number. */
    int number = 0, numbers = 0;
    char rest[256] = "";
    size_t rest_len = 0;
    char *save = NULL;
    for (char *w = strtok_r(words, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
        if (strcmp(w, "level") == 0 || strcmp(w, "lvl") == 0 || strcmp(w, "l") == 0 ||
            strcmp(w, "clearance") == 0)
            continue;
        if (isdigit((unsigned char)w[0])) {
            int64_t value;
            if (!import_parse_number(w, &value) || value > FOUNDATION_LEVEL_MAX)
                return 0;
            number = (int)value;
            numbers++;
            continue;
        }
        int written =
            snprintf(rest + rest_len, sizeof(rest) - rest_len, "%s%s", rest_len ? " " : "", w);
        if (written < 0 || (size_t)written >= sizeof(rest) - rest_len)
            return 0;
        rest_len += (size_t)written;
    }
    if (numbers > 1)
        return 0;

    int named = 0;
    if (rest_len > 0) {
        for (int level = FOUNDATION_LEVEL_MIN; level <= FOUNDATION_LEVEL_MAX; level++) {
            char known[64];
            normalise_words(foundation_level(level)->name, known, sizeof(known));
            if (strcmp(rest, known) == 0)
                named = level;
        }
        if (named == 0 && number == 0)
            return 0;
    }
    if (named != 0 && number != 0 && named != number)
        return 0; /* "Level 2 - Secret": which one? refuse rather than guess */
    return named != 0 ? named : number;
}

/* Copies name without surrounding blanks into buf. */
static const char *trimmed(const char *name, char *buf, size_t size)
{
    while (isspace((unsigned char)*name))
        name++;
    size_t len = strlen(name);
    while (len > 0 && isspace((unsigned char)name[len - 1]))
        len--;
    if (len >= size)
        len = size - 1;
    memcpy(buf, name, len);
    buf[len] = '\0';
    return buf;
}

/*
 * The original names the ACS classes "Level 1 - Dark" … "Level 5 - Amida" and
 * "Level 1 - Notice" … "Level 5 - Critical": the number is the class's rank.  Returns
 * the name after "Level N -" (N in *rank), or NULL when name has no such prefix.
 */
static const char *ranked_class_name(const char *name, int *rank)
{
    if (strncasecmp(name, "level", 5) != 0)
        return NULL;
    const char *p = name + 5;
    while (*p == ' ' || *p == '_')
        p++;
    if (!isdigit((unsigned char)*p) || isdigit((unsigned char)p[1]))
        return NULL;
    *rank = *p++ - '0';
    while (*p == ' ')
        p++;
    if (*p != '-' && *p != ':')
        return NULL;
    p++;
    while (*p == ' ')
        p++;
    return *p != '\0' ? p : NULL;
}

const char *import_class_canonical(enum foundation_class_kind kind, const char *name)
{
    if (name == NULL)
        return NULL;
    char buf[128];
    const char *plain = trimmed(name, buf, sizeof(buf));
    const struct foundation_class *c = foundation_class_by_name(kind, plain);
    int rank = 0;
    const char *ranked = c == NULL && (kind == FOUNDATION_DISRUPTION || kind == FOUNDATION_RISK)
                             ? ranked_class_name(plain, &rank)
                             : NULL;
    if (ranked != NULL) {
        c = foundation_class_by_name(kind, ranked);
        if (c != NULL && c->id != rank)
            c = NULL; /* "Level 2 - Dark": which one? refuse rather than guess */
    }
    return c ? c->name : NULL;
}

const char *import_title_canonical(const char *name)
{
    if (name == NULL)
        return NULL;
    char buf[128];
    return foundation_title_canonical(trimmed(name, buf, sizeof(buf)));
}

bool import_parse_number(const char *text, int64_t *out)
{
    if (text == NULL || text[0] == '\0')
        return false;
    int64_t value = 0;
    size_t i = 0;
    for (; text[i] != '\0'; i++) {
        if (i == 9 || !isdigit((unsigned char)text[i]))
            return false;
        value = value * 10 + (text[i] - '0');
    }
    if (value <= 0)
        return false;
    *out = value;
    return true;
}

int64_t import_scp_number_from_name(const char *name)
{
    if (name == NULL)
        return 0;
    while (isspace((unsigned char)*name))
        name++;
    if (strncasecmp(name, "scp", 3) != 0)
        return 0;
    const char *p = name + 3;
    if (*p == '-' || *p == ' ' || *p == '_')
        p++;
    char digits[16];
    size_t n = 0;
    while (isdigit((unsigned char)p[n]) && n + 1 < sizeof(digits)) {
        digits[n] = p[n];
        n++;
    }
    digits[n] = '\0';
    int64_t number;
    if (n == 0 || isdigit((unsigned char)p[n]) || !import_parse_number(digits, &number))
        return 0;
    /* "SCP-123-J" and "SCP-123 (Title)" still name 123; "SCP-12a" does not. */
    if (p[n] != '\0' && p[n] != '-' && !isspace((unsigned char)p[n]))
        return 0;
    return number;
}

static bool read_digits(const char **p, int count, int *out)
{
    int value = 0;
    for (int i = 0; i < count; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return false;
        value = value * 10 + ((*p)[i] - '0');
    }
    *p += count;
    *out = value;
    return true;
}

bool import_normalize_time(const char *in, char out[32])
{
    if (in == NULL)
        return false;
    const char *p = in;
    int year, month, day, hour = 0, minute = 0, second = 0, millis = 0;
    if (!read_digits(&p, 4, &year) || *p++ != '-' || !read_digits(&p, 2, &month) || *p++ != '-' ||
        !read_digits(&p, 2, &day))
        return false;
    if (*p == ' ' || *p == 'T') {
        p++;
        if (!read_digits(&p, 2, &hour) || *p++ != ':' || !read_digits(&p, 2, &minute))
            return false;
        if (*p == ':') {
            p++;
            if (!read_digits(&p, 2, &second))
                return false;
            if (*p == '.') {
                p++;
                int scale = 100, digits = 0;
                while (isdigit((unsigned char)*p)) {
                    if (digits < 3)
                        millis += (*p - '0') * scale;
                    scale /= 10;
                    digits++;
                    p++;
                }
                if (digits == 0)
                    return false;
            }
        }
    }
    /* Only UTC: naive times, "Z" or a zero offset. */
    if (*p == 'Z')
        p++;
    else if (strcmp(p, "+00:00") == 0 || strcmp(p, "+0000") == 0)
        p += strlen(p);
    if (*p != '\0')
        return false;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return false;
    int n = snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day, hour, minute,
                     second, millis);
    return n == 24;
}
