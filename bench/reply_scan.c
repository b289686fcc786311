/* reply_scan.c - a minimal JSON walker for reply lines (see reply_scan.h). */
#include "bench/reply_scan.h"

#include <string.h>

struct cursor {
    const char *p;
    const char *end;
};

static void skip_space(struct cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
        c->p++;
}

/* At an opening quote: moves past the closing quote; *contents gets what lies between. */
static int skip_string(struct cursor *c, struct json_span *contents)
{
    if (c->p >= c->end || *c->p != '"')
        return -1;
    const char *start = ++c->p;
    for (;;) {
        /* memchr finds the next quote fast; a quote after an odd run of backslashes is escaped. */
        const char *quote = memchr(c->p, '"', (size_t)(c->end - c->p));
        if (!quote)
            return -1;
        size_t backslashes = 0;
        while (quote - backslashes > start && quote[-1 - (ptrdiff_t)backslashes] == '\\')
            backslashes++;
        c->p = quote + 1;
        if (backslashes % 2 == 0) {
            if (contents) {
                contents->start = start;
                contents->len = (size_t)(quote - start);
            }
            return 0;
        }
    }
}

static int skip_value(struct cursor *c, int depth);

/* Objects and arrays: walks members, recursing for nested values. */
static int skip_container(struct cursor *c, int depth, char close)
{
    c->p++;
    skip_space(c);
    if (c->p < c->end && *c->p == close) {
        c->p++;
        return 0;
    }
    for (;;) {
        if (close == '}') {
            if (skip_string(c, NULL) < 0)
                return -1;
            skip_space(c);
            if (c->p >= c->end || *c->p != ':')
                return -1;
            c->p++;
        }
        if (skip_value(c, depth + 1) < 0)
            return -1;
        skip_space(c);
        if (c->p >= c->end)
            return -1;
        if (*c->p == close) {
            c->p++;
            return 0;
        }
        if (*c->p != ',')
            return -1;
        c->p++;
        skip_space(c);
    }
}

/* Numbers and the literals true / false / null. */
static int skip_scalar(struct cursor *c)
{
    const char *start = c->p;
    while (c->p < c->end && (strchr("+-.eE", *c->p) || (*c->p >= '0' && *c->p <= '9') ||
                             (*c->p >= 'a' && *c->p <= 'z')))
        c->p++;
    return c->p > start ? 0 : -1;
}

static int skip_value(struct cursor *c, int depth)
{
    if (depth > 64)
        return -1; /* a reply is never this deep; refuse rather than recurse forever */
    skip_space(c);
    if (c->p >= c->end)
        return -1;
    switch (*c->p) {
    case '"':
        return skip_string(c, NULL);
    case '{':
        return skip_container(c, depth, '}');
    case '[':
        return skip_container(c, depth, ']');
    default:
        return skip_scalar(c);
    }
}

static bool span_is(const struct json_span *s, const char *word)
{
    size_t n = strlen(word);
    return s->len == n && memcmp(s->start, word, n) == 0;
}

static int parse_int(const struct json_span *s, int64_t *out)
{
    if (s->len == 0 || s->len > 18)
        return -1;
    int64_t v = 0;
    size_t i = 0;
    bool negative = s->start[0] == '-';
    if (negative)
        i = 1;
    if (i == s->len)
        return -1;
    for (; i < s->len; i++) {
        if (s->start[i] < '0' || s->start[i] > '9')
            return -1;
        v = v * 10 + (s->start[i] - '0');
    }
    *out = negative ? -v : v;
    return 0;
}

/* Inside an object, before a member: moves past its name and colon to its value. */
static int skip_member_name(struct cursor *c, struct json_span *name)
{
    skip_space(c);
    if (skip_string(c, name) < 0)
        return -1;
    skip_space(c);
    if (c->p >= c->end || *c->p++ != ':')
        return -1;
    skip_space(c);
    return 0;
}

/* Finds the string member `key` of the object spanning [start, end). */
static int find_string_member(const char *start, const char *end, const char *key,
                              struct json_span *out)
{
    struct cursor c = {start, end};
    skip_space(&c);
    if (c.p >= c.end || *c.p != '{')
        return -1;
    c.p++;
    for (;;) {
        struct json_span name;
        if (skip_member_name(&c, &name) < 0)
            return -1;
        if (span_is(&name, key) && c.p < c.end && *c.p == '"')
            return skip_string(&c, out);
        if (skip_value(&c, 1) < 0)
            return -1;
        skip_space(&c);
        if (c.p >= c.end || *c.p != ',')
            return -1;
        c.p++;
    }
}

int reply_scan(const char *line, size_t len, struct reply_fields *out)
{
    memset(out, 0, sizeof(*out));
    struct cursor c = {line, line + len};
    skip_space(&c);
    if (c.p >= c.end || *c.p != '{')
        return -1;
    c.p++;
    skip_space(&c);
    if (c.p < c.end && *c.p == '}')
        return 0;
    for (;;) {
        struct json_span name;
        if (skip_member_name(&c, &name) < 0)
            return -1;
        const char *value = c.p;
        if (skip_value(&c, 1) < 0)
            return -1;
        struct json_span v = {value, (size_t)(c.p - value)};
        if (span_is(&name, "id")) {
            out->has_id = parse_int(&v, &out->id) == 0;
        } else if (span_is(&name, "ok")) {
            out->has_ok = span_is(&v, "true") || span_is(&v, "false");
            out->ok = span_is(&v, "true");
        } else if (span_is(&name, "token") && v.len >= 2 && v.start[0] == '"') {
            out->token.start = v.start + 1;
            out->token.len = v.len - 2;
        } else if (span_is(&name, "error") && v.len > 0 && v.start[0] == '{') {
            /* A missing code leaves error_code empty; the caller still counts the error. */
            (void)find_string_member(v.start, v.start + v.len, "code", &out->error_code);
        }
        skip_space(&c);
        if (c.p >= c.end)
            return -1;
        if (*c.p == '}')
            break;
        if (*c.p != ',')
            return -1;
        c.p++;
    }
    c.p++;
    skip_space(&c);
    return c.p == c.end ? 0 : -1;
}
