/*
 * search_query.c - the search syntax, parsed here into engine queries made only of
 * quoted plain words, so no user text ever reaches FTS5's or tsquery's own syntax.
 *
 *   words         every word must appear (a word is split at anything but letters
 *                 and digits: "SCP-173" is the phrase "scp 173")
 *   "a phrase"    the words in this order, next to each other
 *   prefix*       words that begin so (at least 2 letters)
 *   kind:scp  class:keter  level:3  tag:NAME   filters
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "deepwell/search.h"

#define PREFIX_MIN 2

static const char *const kind_names[] = {
    [DW_KIND_SCP] = "scp", [DW_KIND_SITE] = "site", [DW_KIND_MTF] = "mtf", [DW_KIND_USER] = "user"};

static bool word_byte(unsigned char c)
{
    return isalnum(c) || c >= 0x80;
}

struct builder {
    struct dw_search_parsed *out;
    size_t fts_len, ts_len;
    int terms;
    bool overflow;
};

static void put(char *buf, size_t size, size_t *len, bool *overflow, const char *s, size_t n)
{
    if (*len + n + 1 > size) {
        *overflow = true;
        return;
    }
    memcpy(buf + *len, s, n);
    *len += n;
    buf[*len] = '\0';
}

static void fts(struct builder *b, const char *s, size_t n)
{
    put(b->out->fts5, sizeof(b->out->fts5), &b->fts_len, &b->overflow, s, n);
}

static void ts(struct builder *b, const char *s, size_t n)
{
    put(b->out->tsquery, sizeof(b->out->tsquery), &b->ts_len, &b->overflow, s, n);
}

/* Remembers a word for the snippet to mark (words past the most are left unmarked). */
static void mark(struct dw_search_parsed *out, const char *word, bool prefix)
{
    if (out->nmarks == DW_SEARCH_MARKS_MAX)
        return;
    struct dw_search_mark *m = &out->marks[out->nmarks++];
    snprintf(m->word, sizeof(m->word), "%s", word);
    m->prefix = prefix;
}

/*
 * One term: the words of text[0..n) as a phrase, the last one a prefix when asked.
 * FTS5: "w1 w2"*  tsquery: 'w1' <-> 'w2':*  (words hold only letters and digits,
 * lower-cased, so neither quote can appear inside one).  False when it has no word.
 */
static bool add_term(struct builder *b, const char *text, size_t n, bool prefix)
{
    size_t words = 0;
    int first_mark = b->out->nmarks;
    for (size_t i = 0; i < n;) {
        while (i < n && !word_byte((unsigned char)text[i]))
            i++;
        size_t start = i;
        while (i < n && word_byte((unsigned char)text[i]))
            i++;
        if (i == start)
            break;
        char word[DW_SEARCH_WORD_MAX + 1];
        size_t len = i - start < DW_SEARCH_WORD_MAX ? i - start : DW_SEARCH_WORD_MAX;
        for (size_t k = 0; k < len; k++)
            word[k] = (char)tolower((unsigned char)text[start + k]);
        word[len] = '\0';
        if (words == 0) {
            if (b->terms > 0) {
                fts(b, " ", 1);
                ts(b, " & ", 3);
            }
            fts(b, "\"", 1);
            ts(b, "(", 1);
        } else {
            fts(b, " ", 1);
            ts(b, " <-> ", 5);
        }
        fts(b, word, len);
        mark(b->out, word, false);
        ts(b, "'", 1);
        ts(b, word, len);
        ts(b, "'", 1);
        words++;
    }
    if (words == 0)
        return false;
    if (prefix && b->out->nmarks > first_mark)
        b->out->marks[b->out->nmarks - 1].prefix = true;
    fts(b, prefix ? "\"*" : "\"", prefix ? 2 : 1);
    ts(b, prefix ? ":*)" : ")", prefix ? 3 : 1);
    b->terms++;
    return true;
}

/* Letters and digits of text[0..n), lower case: a token FTS5 keeps whole. */
static void token_n(const char *text, size_t len, char *out, size_t size)
{
    size_t n = 0;
    for (size_t i = 0; i < len && text[i] != '\0' && n + 1 < size; i++)
        if (isalnum((unsigned char)text[i]))
            out[n++] = (char)tolower((unsigned char)text[i]);
    out[n] = '\0';
}

static void token(const char *text, char *out, size_t size)
{
    token_n(text, text != NULL ? strlen(text) : 0, out, size);
}

/*
 * The lower case of the capital letters of Latin-1, Latin Extended-A, Greek and
 * Cyrillic (two UTF-8 bytes each), so tag:ÉLAN finds "élan" as tag:ALIVE finds
 * "alive"; other letters stay as they are.  cp: a code point from 0x80 to 0x7ff.
 */
static unsigned fold(unsigned cp)
{
    if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) || (cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) ||
        (cp >= 0x410 && cp <= 0x42f))
        return cp + 0x20;
    if (cp >= 0x400 && cp <= 0x40f)
        return cp + 0x50;
    if (cp == 0x178)
        return 0xff;
    if ((cp >= 0x100 && cp <= 0x137 && cp % 2 == 0) ||
        (cp >= 0x139 && cp <= 0x148 && cp % 2 == 1) ||
        (cp >= 0x14a && cp <= 0x177 && cp % 2 == 0) || (cp >= 0x179 && cp <= 0x17e && cp % 2 == 1))
        return cp + 1;
    return cp;
}

/*
 * A tag's index token, the same on both sides (dw_search_tags, the tag: filter).  An
 * ASCII tag keeps its letters and digits, lower case, as before.  A tag with any other
 * byte is "~" and the hex of its bytes (ASCII letters and digits lower case, the
 * capitals fold() knows folded, other ASCII dropped, anything else as it is): an ASCII
 * token, so FTS5's unicode61 keeps it whole and LIKE compares it byte for byte on both
 * engines, whatever the letters, their case tables or invalid UTF-8; "~" keeps it from
 * ever equalling an ASCII tag's token.  The first TAG_ASCII_MAX bytes count (past that,
 * tags agreeing that far are one tag), TAG_UTF8_MAX for the longer hex form, so one
 * tag: filter always fits dw_search_parsed's tags.  "" when nothing is kept.
 */
#define TAG_ASCII_MAX 63
#define TAG_UTF8_MAX  48
static void tag_token(const char *text, size_t len, char *out, size_t size)
{
    assert(size > 0);
    unsigned char kept[TAG_ASCII_MAX];
    size_t n = 0;
    bool ascii = true;
    for (size_t i = 0; i < len && text[i] != '\0' && n < sizeof(kept); i++) {
        unsigned char c = (unsigned char)text[i],
                      next = i + 1 < len ? (unsigned char)text[i + 1] : 0;
        if (c < 0x80) {
            if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
                kept[n++] = c;
            else if (c >= 'A' && c <= 'Z')
                kept[n++] = (unsigned char)(c - 'A' + 'a');
            continue;
        }
        ascii = false;
        if (c >= 0xc2 && c <= 0xdf && (next & 0xc0) == 0x80 && n + 2 <= sizeof(kept)) {
            unsigned cp = fold(((c & 0x1fu) << 6) | (next & 0x3fu));
            kept[n++] = (unsigned char)(0xc0 | (cp >> 6));
            kept[n++] = (unsigned char)(0x80 | (cp & 0x3f));
            i++;
        } else {
            kept[n++] = c;
        }
    }
    size_t o = 0;
    if (!ascii) {
        static const char hex[] = "0123456789abcdef";
        n = n < TAG_UTF8_MAX ? n : TAG_UTF8_MAX;
        if (o + 1 < size)
            out[o++] = '~';
        for (size_t i = 0; i < n && o + 2 < size; i++) {
            out[o++] = hex[kept[i] >> 4];
            out[o++] = hex[kept[i] & 0xf];
        }
    } else {
        for (size_t i = 0; i < n && o + 1 < size; i++)
            out[o++] = (char)kept[i];
    }
    out[o] = '\0';
}

/* The meta column's token of a tag's: "tgTAG" for an ASCII tag, "tuHEX" for "~HEX". */
static int meta_tag(char *out, size_t size, const char *tag, size_t len)
{
    bool utf8 = len > 0 && tag[0] == '~';
    return snprintf(out, size, "%s%.*s", utf8 ? "tu" : "tg", (int)(len - utf8), tag + utf8);
}

/*
 * Adds tok to set ("a b ": sorted, each followed by a space) unless there; false
 * when it does not fit.
 */
static bool set_add(char *set, size_t size, const char *tok)
{
    size_t n = strlen(tok), len = strlen(set);
    char *at = set;
    while (*at != '\0') {
        const char *end = strchr(at, ' ');
        assert(end != NULL);
        size_t m = (size_t)(end - at);
        int c = strncmp(at, tok, m < n ? m : n);
        if (c == 0 && m == n)
            return true;
        if (c > 0 || (c == 0 && m > n))
            break;
        at = (char *)end + 1;
    }
    if (len + n + 2 > size)
        return false;
    memmove(at + n + 1, at, len - (size_t)(at - set) + 1);
    memcpy(at, tok, n);
    at[n] = ' ';
    return true;
}

static enum deepwell_code invalid(struct deepwell_error *err, const char *fmt, const char *arg)
{
    return deepwell_error_set(err, DW_INVALID, "search", fmt, arg);
}

/* tag:NAME, its token as the index keeps it (tag_token); any bytes, any length. */
static enum deepwell_code tag_filter(const char *value, size_t n, struct dw_search_parsed *out,
                                     struct deepwell_error *err)
{
    char tok[2 * TAG_UTF8_MAX + 2], shown[64];
    tag_token(value, n, tok, sizeof(tok));
    snprintf(shown, sizeof(shown), "%.*s", (int)(n < sizeof(shown) ? n : sizeof(shown) - 1), value);
    if (tok[0] == '\0')
        return invalid(err, "tag: '%s' has no letter or digit", shown);
    size_t count = 0;
    for (const char *t = out->tags; *t != '\0'; t++)
        count += *t == ' ';
    if (count >= DW_SEARCH_TAGS_MAX)
        return invalid(err, "%s", "too many tag: filters");
    if (!set_add(out->tags, sizeof(out->tags), tok))
        return invalid(err, "%s", "tag: filters too long");
    return DW_OK;
}

static enum deepwell_code filter(const char *key, size_t keylen, const char *value, size_t n,
                                 struct dw_search_parsed *out, struct deepwell_error *err)
{
    if (keylen == 3 && strncasecmp(key, "tag", 3) == 0)
        return tag_filter(value, n, out, err);
    char v[64];
    if (n == 0 || n >= sizeof(v))
        return invalid(err, "%s: needs a value", keylen == 4 ? "kind" : "a filter");
    for (size_t i = 0; i < n; i++)
        v[i] = (char)tolower((unsigned char)value[i]);
    v[n] = '\0';
    if (keylen == 4 && strncasecmp(key, "kind", 4) == 0) {
        for (size_t k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
            if (strcmp(v, kind_names[k]) == 0) {
                out->kind = (int)k;
                return DW_OK;
            }
        return invalid(err, "kind: must be scp, site, mtf or user, not '%s'", v);
    }
    if (keylen == 5 && strncasecmp(key, "level", 5) == 0) {
        if (n != 1 || v[0] < '1' || v[0] > '6')
            return invalid(err, "level: must be 1 to 6, not '%s'", v);
        out->level = v[0] - '0';
        return DW_OK;
    }
    if (keylen == 5 && strncasecmp(key, "class", 5) == 0) {
        if (n >= sizeof(out->klass))
            return invalid(err, "class: '%s' is too long", v);
        memcpy(out->klass, v, n + 1);
        return DW_OK;
    }
    char name[32];
    snprintf(name, sizeof(name), "%.*s", (int)keylen, key);
    return invalid(err, "unknown filter '%s:' (kind:, class:, level: or tag:)", name);
}

enum deepwell_code dw_search_parse(const char *query, struct dw_search_parsed *out,
                                   struct deepwell_error *err)
{
    memset(out, 0, sizeof(*out));
    out->kind = -1;
    if (query == NULL)
        return invalid(err, "%s", "search needs a query");
    if (strlen(query) > DEEPWELL_SEARCH_QUERY_MAX)
        return deepwell_error_set(err, DW_INVALID, "search", "query longer than %d bytes",
                                  DEEPWELL_SEARCH_QUERY_MAX);
    struct builder b = {.out = out};
    const char *p = query;
    while (*p != '\0') {
        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (b.terms >= DW_SEARCH_TERMS_MAX)
            return deepwell_error_set(err, DW_INVALID, "search", "more than %d terms",
                                      DW_SEARCH_TERMS_MAX);
        if (*p == '"') {
            const char *end = strchr(p + 1, '"');
            if (end == NULL)
                return invalid(err, "%s", "a phrase is missing its closing '\"'");
            bool prefix = end[1] == '*';
            if (!add_term(&b, p + 1, (size_t)(end - p - 1), prefix) && end > p + 1)
                return invalid(err, "%s", "a phrase holds no word");
            p = end + 1 + prefix;
            continue;
        }
        size_t n = 0;
        while (p[n] != '\0' && !isspace((unsigned char)p[n]) && p[n] != '"')
            n++;
        const char *colon = memchr(p, ':', n);
        if (colon != NULL && colon > p) {
            enum deepwell_code code =
                filter(p, (size_t)(colon - p), colon + 1, n - (size_t)(colon - p) - 1, out, err);
            if (code != DW_OK)
                return code;
            p += n;
            continue;
        }
        const char *star = memchr(p, '*', n);
        if (star != NULL && star != p + n - 1)
            return invalid(err, "%s", "'*' may only end a word (prefix*)");
        bool prefix = star != NULL;
        size_t len = prefix ? n - 1 : n;
        if (prefix) {
            size_t letters = 0;
            for (size_t i = 0; i < len; i++)
                letters += word_byte((unsigned char)p[i]);
            if (letters < PREFIX_MIN)
                return invalid(err, "%s", "a prefix* needs at least 2 letters");
        }
        add_term(&b, p, len, prefix);
        p += n;
    }
    if (b.overflow)
        return invalid(err, "%s", "query too long");
    if (b.terms == 0)
        return invalid(err, "%s", "search needs at least one word");
    return DW_OK;
}

void dw_search_tags(const char *tags, char *out, size_t size)
{
    char set[512] = "";
    for (const char *p = tags; p != NULL && *p != '\0';) {
        size_t n = strcspn(p, " \t\n");
        char tok[2 * TAG_UTF8_MAX + 2];
        tag_token(p, n, tok, sizeof(tok));
        /* A tag that does not fit is not indexed: a tag: filter for it finds nothing. */
        if (tok[0] != '\0')
            (void)set_add(set, sizeof(set), tok);
        p += n;
        p += strspn(p, " \t\n");
    }
    /* " a  b ": each tag between spaces of its own, as the LIKE pattern expects. */
    size_t len = 0;
    out[0] = '\0';
    for (const char *t = set; *t != '\0';) {
        size_t n = strcspn(t, " ");
        if (len + n + 3 > size)
            break;
        out[len++] = ' ';
        memcpy(out + len, t, n);
        len += n;
        out[len++] = ' ';
        out[len] = '\0';
        t += n + 1;
    }
}

void dw_search_tag_pattern(const struct dw_search_parsed *parsed, char *out, size_t size)
{
    size_t len = 0;
    out[0] = '\0';
    for (const char *t = parsed->tags; *t != '\0';) {
        size_t n = strcspn(t, " ");
        int w = snprintf(out + len, size - len, "%% %.*s ", (int)n, t);
        assert(w > 0 && (size_t)w < size - len);
        len += (size_t)w;
        t += n + 1;
    }
    if (len > 0 && len + 1 < size) {
        out[len++] = '%';
        out[len] = '\0';
    }
}

void dw_search_meta(const char *kind, int64_t ref_id, int file_level, const char *klass,
                    const char *tags, int lo, int hi, char *out, size_t size)
{
    char cls[32];
    token(klass, cls, sizeof(cls));
    int n = snprintf(out, size, "k%s lv%d%s%s", kind, file_level, cls[0] ? " c" : "", cls);
    bool site = strcmp(kind, "site") == 0;
    for (int level = lo; level < hi && n > 0 && (size_t)n < size; level++) {
        if (site)
            n += snprintf(out + n, size - (size_t)n, " sl%d st%lldx%d", level, (long long)ref_id,
                          level);
    }
    assert(n > 0 && (size_t)n < size); /* the rule's tokens always fit: size >= 512 */
    /* Tags last, and only whole: a cut "tgalive" would be the tag "al". */
    for (const char *t = tags; t != NULL && *t != '\0';) {
        t += strspn(t, " ");
        size_t len = strcspn(t, " ");
        if (len > 0 && (size_t)n + len + 4 <= size) {
            out[n++] = ' ';
            n += meta_tag(out + n, size - (size_t)n, t, len);
        }
        t += len;
    }
}

void dw_search_fts5_ruled(const struct dw_search_parsed *parsed,
                          const struct deepwell_search_query *q, bool site, char *out, size_t size)
{
    int L = q->reader_level;
    int n = snprintf(out, size, "body : (%s)", parsed->fts5);
    if (site) {
        /* A site's rows match only by these (dw_search_ranges asks when one may). */
        const char * or = "";
        n += snprintf(out + n, size - (size_t)n, " AND meta : (");
        if (L >= q->site_read_level) {
            n += snprintf(out + n, size - (size_t)n, "sl%d", L);
            or = " OR ";
        }
        if (q->reader_site_id > 0)
            n += snprintf(out + n, size - (size_t)n, "%sst%lldx%d", or,
                          (long long)q->reader_site_id, L);
        n += snprintf(out + n, size - (size_t)n, ")");
    }
    if (parsed->kind >= 0)
        n += snprintf(out + n, size - (size_t)n, " AND meta : k%s", kind_names[parsed->kind]);
    if (parsed->level > 0)
        n += snprintf(out + n, size - (size_t)n, " AND meta : lv%d", parsed->level);
    if (parsed->klass[0] != '\0') {
        char cls[32];
        token(parsed->klass, cls, sizeof(cls));
        /* A class with no letters names no class: "c" alone is never indexed. */
        n += snprintf(out + n, size - (size_t)n, " AND meta : c%s", cls);
    }
    for (const char *t = parsed->tags; *t != '\0' && n > 0 && (size_t)n < size;) {
        size_t len = strcspn(t, " ");
        n += snprintf(out + n, size - (size_t)n, " AND meta : ");
        if (n > 0 && (size_t)n < size)
            n += meta_tag(out + n, size - (size_t)n, t, len);
        t += len + 1;
    }
}

int64_t dw_search_row_id(enum deepwell_kind kind, int64_t file_row, int lo, int hi)
{
    assert(lo >= 1 && lo < hi && hi <= 7);
    assert(file_row >= 0 && file_row < INT64_C(1) << DW_SEARCH_ID_KIND_SHIFT);
    int64_t band = lo * 8 + hi + (kind == DW_KIND_SITE ? 64 : 0);
    return band << DW_SEARCH_ID_BAND_SHIFT | (int64_t)kind << DW_SEARCH_ID_KIND_SHIFT | file_row;
}

/*
 * A reader of level L matches the rows whose band holds L: for each lo <= L, the
 * bands (lo, L+1) .. (lo, 7), which are next to each other in id order.  Files
 * above L have no such rows (the write path starts a file's bands at its own level).
 */
size_t dw_search_ranges(const struct deepwell_search_query *q, struct dw_search_range *out)
{
    int L = q->reader_level;
    assert(L >= 1 && L < 7 && L < DW_SEARCH_RANGES_MAX);
    size_t n = 0;
    for (int lo = 1; lo <= L; lo++)
        out[n++] =
            (struct dw_search_range){(int64_t)(lo * 8 + L + 1) << DW_SEARCH_ID_BAND_SHIFT,
                                     (int64_t)(lo * 8 + 8) << DW_SEARCH_ID_BAND_SHIFT, false};
    if (L >= q->site_read_level || q->reader_site_id > 0)
        out[n++] = (struct dw_search_range){(int64_t)64 << DW_SEARCH_ID_BAND_SHIFT,
                                            (int64_t)128 << DW_SEARCH_ID_BAND_SHIFT, true};
    assert(n <= DW_SEARCH_RANGES_MAX);
    return n;
}
