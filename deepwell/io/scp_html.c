/* scp_html.c - a wiki page's HTML, parsed by libxml2, written out as markdown. */
#include "deepwell/io/scp_html.h"
#include "deepwell/io/md_out.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

/* Output larger than this (a page of endless table cells) is refused, not grown. */
#define OUT_MAX (4u * SCP_HTML_MAX_BYTES)

static bool is(const xmlNode *n, const char *name)
{
    /* libxml2's HTML parser gives tag names in lower case */
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool has_class(const xmlNode *n, const char *cls)
{
    /* most elements carry no attribute at all: no lookup, no copy */
    if (n->type != XML_ELEMENT_NODE || n->properties == NULL)
        return false;
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"class");
    bool found = false;
    size_t len = strlen(cls);
    for (const char *p = (const char *)v; p != NULL && *p != '\0' && !found;) {
        while (*p == ' ' || *p == '\t')
            p++;
        size_t w = strcspn(p, " \t");
        found = w == len && strncmp(p, cls, len) == 0;
        p += w;
    }
    xmlFree(v);
    return found;
}

static bool style_has(const xmlNode *n, const char *what)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)"style");
    bool found = v != NULL && strstr((const char *)v, what) != NULL;
    xmlFree(v);
    return found;
}

/* A node's text, white space collapsed and trimmed, into buf. */
static void plain_text(const xmlNode *n, char *buf, size_t size)
{
    xmlChar *t = xmlNodeGetContent(n);
    size_t o = 0;
    bool space = false;
    for (const unsigned char *p = t; p != NULL && *p != '\0' && o + 1 < size; p++) {
        if (isspace(*p)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < size)
            buf[o++] = ' ';
        space = false;
        buf[o++] = (char)*p;
    }
    buf[o] = '\0';
    xmlFree(t);
}

static const char *const dropped_tags[] = {
    "script", "style",  "head",   "title",    "meta",   "link",  "noscript", "iframe",  "form",
    "input",  "button", "select", "textarea", "object", "embed", "svg",      "template"};
static const char *const dropped_classes[] = {"page-rate-widget-box",
                                              "rate-box-with-credit-button",
                                              "creditRate",
                                              "credit-back",
                                              "licensebox",
                                              "footer-wikiwalk-nav",
                                              "page-tags",
                                              "collapsible-block-unfolded-link",
                                              "modal-wrapper",
                                              "footnotes-footer-title",
                                              "printuser"};

static bool dropped(const xmlNode *n)
{
    for (size_t i = 0; i < sizeof(dropped_tags) / sizeof(*dropped_tags); i++)
        if (is(n, dropped_tags[i]))
            return true;
    for (size_t i = 0; i < sizeof(dropped_classes) / sizeof(*dropped_classes); i++)
        if (has_class(n, dropped_classes[i]))
            return true;
    return false;
}

static void node(struct md_out *c, xmlNode *n);

static void children(struct md_out *c, xmlNode *n)
{
    for (xmlNode *k = n->children; k != NULL && !c->failed && !c->too_deep; k = k->next)
        node(c, k);
}

/* Whether a subtree holds any visible text; stops at the first. */
static bool has_text(const xmlNode *n, int depth)
{
    for (const xmlNode *k = n->children; k != NULL && depth < SCP_HTML_MAX_DEPTH; k = k->next) {
        if (k->type == XML_TEXT_NODE && k->content != NULL) {
            for (const xmlChar *p = k->content; *p != '\0'; p++)
                if (!isspace(*p))
                    return true;
        } else if (k->type == XML_ELEMENT_NODE && has_text(k, depth + 1)) {
            return true;
        }
    }
    return false;
}

static void inline_mark(struct md_out *c, xmlNode *n, const char *mark)
{
    if (!has_text(n, 0)) /* "** **" would print as stars */
        return;
    md_begin_content(c);
    md_puts(c, mark);
    children(c, n);
    md_puts(c, mark);
}

/* "## title" on a line of its own: the import makes it a section. */
static void heading(struct md_out *c, const char *title, xmlNode *content)
{
    md_want_break(c, 2);
    md_begin_content(c);
    md_puts(c, c->in_cell ? "" : "## ");
    if (title != NULL)
        md_text(c, title);
    else
        children(c, content);
    md_want_break(c, 2);
}

static void image(struct md_out *c, const char *caption)
{
    if (!c->in_cell)
        md_want_break(c, 2);
    md_begin_content(c);
    md_open_bracket(c);
    md_puts(c, "[image: ");
    md_text(c, caption[0] ? caption : "untitled");
    md_puts(c, "]");
    if (!c->in_cell)
        md_want_break(c, 2);
}

static xmlNode *find_class(xmlNode *n, const char *cls, int depth)
{
    if (depth > SCP_HTML_MAX_DEPTH)
        return NULL;
    for (xmlNode *k = n->children; k != NULL; k = k->next) {
        if (has_class(k, cls))
            return k;
        xmlNode *f = find_class(k, cls, depth + 1);
        if (f != NULL)
            return f;
    }
    return NULL;
}

static void image_block(struct md_out *c, xmlNode *n)
{
    char caption[512] = "";
    xmlNode *cap = find_class(n, "scp-image-caption", 0);
    if (cap != NULL)
        plain_text(cap, caption, sizeof(caption));
    image(c, caption);
}

static void img(struct md_out *c, xmlNode *n)
{
    xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
    char caption[512];
    snprintf(caption, sizeof(caption), "%s", alt ? (const char *)alt : "");
    xmlFree(alt);
    image(c, caption);
}

static void list(struct md_out *c, xmlNode *n, bool ordered)
{
    if (!c->in_cell)
        md_want_break(c, 2);
    int number = 1;
    for (xmlNode *li = n->children; li != NULL && !c->failed && !c->too_deep; li = li->next) {
        if (!is(li, "li")) {
            if (li->type == XML_ELEMENT_NODE)
                node(c, li);
            continue;
        }
        char marker[16];
        snprintf(marker, sizeof(marker), ordered ? "%d. " : "- ", number++);
        md_want_break(c, 1);
        c->fresh_item = false;
        md_begin_content(c);
        md_puts(c, marker);
        if (c->in_cell) {
            children(c, li);
            continue;
        }
        size_t saved = c->plen;
        char indent[16];
        snprintf(indent, sizeof(indent), "%*s", (int)strlen(marker), "");
        if (!md_push_prefix(c, indent))
            return;
        c->fresh_item = true;
        children(c, li);
        c->fresh_item = false;
        c->plen = saved;
    }
    md_want_break(c, 2);
}

/* ---- tables ------------------------------------------------------------------------------ */

struct row {
    char **cells;
    size_t n;
};

static char *cell_text(struct md_out *outer, xmlNode *cell)
{
    struct md_out c = {.in_cell = true, .depth = outer->depth, .max = outer->max};
    children(&c, cell);
    if (c.too_deep)
        outer->too_deep = true;
    if (c.failed || c.too_deep) {
        outer->failed = outer->failed || c.failed;
        free(c.p);
        return NULL;
    }
    return c.p ? c.p : strdup("");
}

static bool collect_rows(struct md_out *c, xmlNode *n, struct row **rows, size_t *nrows, int depth)
{
    if (depth > 4) /* table > tbody > tr: rows sit at most a few levels down */
        return true;
    for (xmlNode *k = n->children; k != NULL; k = k->next) {
        if (!is(k, "tr")) {
            if (is(k, "thead") || is(k, "tbody") || is(k, "tfoot"))
                if (!collect_rows(c, k, rows, nrows, depth + 1))
                    return false;
            continue;
        }
        struct row *grown = realloc(*rows, (*nrows + 1) * sizeof(**rows));
        if (grown == NULL)
            return false;
        *rows = grown;
        struct row *r = &grown[(*nrows)++];
        *r = (struct row){0};
        for (xmlNode *td = k->children; td != NULL; td = td->next) {
            if (!is(td, "td") && !is(td, "th"))
                continue;
            char **cells = realloc(r->cells, (r->n + 1) * sizeof(*cells));
            if (cells == NULL)
                return false;
            r->cells = cells;
            if ((cells[r->n] = cell_text(c, td)) == NULL)
                return false;
            r->n++;
        }
    }
    return true;
}

static void table(struct md_out *c, xmlNode *n)
{
    if (c->in_cell) { /* a table in a cell: its text only */
        children(c, n);
        return;
    }
    struct row *rows = NULL;
    size_t nrows = 0, ncols = 0;
    bool ok = collect_rows(c, n, &rows, &nrows, 0);
    for (size_t i = 0; i < nrows; i++)
        ncols = rows[i].n > ncols ? rows[i].n : ncols;
    if (!ok && !c->too_deep)
        c->failed = true;
    if (ok && ncols > 0) {
        md_want_break(c, 2);
        for (size_t i = 0; i < nrows; i++) {
            md_want_break(c, 1);
            md_begin_content(c);
            for (size_t j = 0; j < ncols; j++) {
                md_puts(c, "| ");
                md_puts(c, j < rows[i].n ? rows[i].cells[j] : "");
                md_puts(c, " ");
            }
            md_puts(c, "|");
            if (i == 0) { /* the first row is the header GFM needs */
                md_want_break(c, 1);
                md_begin_content(c);
                for (size_t j = 0; j < ncols; j++)
                    md_puts(c, "| --- ");
                md_puts(c, "|");
            }
        }
        md_want_break(c, 2);
    }
    for (size_t i = 0; i < nrows; i++) {
        for (size_t j = 0; j < rows[i].n; j++)
            free(rows[i].cells[j]);
        free(rows[i].cells);
    }
    free(rows);
}

/* ---- wikidot's widgets ---------------------------------------------------------------------- */

static void collapsible(struct md_out *c, xmlNode *n)
{
    char title[256] = "";
    xmlNode *folded = find_class(n, "collapsible-block-folded", 0);
    if (folded != NULL)
        plain_text(folded, title, sizeof(title));
    const char *t = title;
    while (*t == '+' || *t == ' ' || *t == '-' || *t == '>')
        t++;
    xmlNode *content = find_class(n, "collapsible-block-content", 0);
    if (!c->in_cell && c->plen == 0)
        heading(c, t[0] ? t : "Collapsed block", NULL);
    else
        md_want_break(c, 2);
    if (content != NULL)
        children(c, content);
    md_want_break(c, 2);
}

static void tabview(struct md_out *c, xmlNode *n)
{
    xmlNode *nav = find_class(n, "yui-nav", 0);
    xmlNode *content = find_class(n, "yui-content", 0);
    xmlNode *tab = nav ? nav->children : NULL;
    if (content == NULL)
        return;
    for (xmlNode *k = content->children; k != NULL && !c->failed && !c->too_deep; k = k->next) {
        if (k->type != XML_ELEMENT_NODE)
            continue;
        while (tab != NULL && !is(tab, "li"))
            tab = tab->next;
        char title[256] = "Tab";
        if (tab != NULL) {
            plain_text(tab, title, sizeof(title));
            tab = tab->next;
        }
        if (!c->in_cell && c->plen == 0)
            heading(c, title, NULL);
        children(c, k);
        md_want_break(c, 2);
    }
}

static void footnote(struct md_out *c, xmlNode *n)
{
    xmlChar *id = xmlGetProp(n, (const xmlChar *)"id");
    const char *num =
        id && strncmp((const char *)id, "footnote-", 9) == 0 ? (const char *)id + 9 : "";
    long v = strtol(num, NULL, 10);
    xmlFree(id);
    md_want_break(c, 2);
    md_begin_content(c);
    char label[32];
    snprintf(label, sizeof(label), "[^%ld]: ", v > 0 && v < 100000 ? v : 0L);
    md_open_bracket(c);
    md_puts(c, label);
    /* wikidot writes "<a>1</a>. text": the number and its dot are ours now */
    xmlNode *k = n->children;
    if (k != NULL && is(k, "a"))
        k = k->next;
    bool first = true;
    for (; k != NULL && !c->failed && !c->too_deep; k = k->next, first = false) {
        if (first && k->type == XML_TEXT_NODE && k->content != NULL) {
            const char *s = (const char *)k->content;
            while (*s == '.' || isspace((unsigned char)*s))
                s++;
            md_text(c, s);
            continue;
        }
        node(c, k);
    }
    md_want_break(c, 2);
}

static void footnote_ref(struct md_out *c, xmlNode *n)
{
    char num[16];
    plain_text(n, num, sizeof(num));
    long v = strtol(num, NULL, 10);
    md_begin_content(c);
    snprintf(num, sizeof(num), "[^%ld]", v > 0 && v < 100000 ? v : 0L);
    md_open_bracket(c);
    md_puts(c, num);
}

/* ---- the walk ------------------------------------------------------------------------------ */

static void element(struct md_out *c, xmlNode *n)
{
    if (dropped(n))
        return;
    if (is(n, "p") || is(n, "pre") || is(n, "center") || is(n, "section") || is(n, "article")) {
        md_want_break(c, 2);
        children(c, n);
        md_want_break(c, 2);
    } else if (is(n, "br")) {
        if (c->in_cell)
            c->pending_space = true;
        else if (!c->line_start && c->len > 0 && !c->need_break) {
            md_puts(c, "\\");
            md_want_break(c, 1);
        }
    } else if (n->name[0] == 'h' && n->name[1] >= '1' && n->name[1] <= '6' && n->name[2] == 0) {
        heading(c, NULL, n);
    } else if (is(n, "strong") || is(n, "b")) {
        inline_mark(c, n, "**");
    } else if (is(n, "em") || is(n, "i")) {
        inline_mark(c, n, "*");
    } else if (is(n, "s") || is(n, "strike") || is(n, "del") ||
               (is(n, "span") && style_has(n, "line-through"))) {
        inline_mark(c, n, "~~");
    } else if (is(n, "blockquote") || has_class(n, "blockquote")) {
        size_t saved = c->plen;
        md_want_break(c, 2);
        if (c->in_cell || md_push_prefix(c, "> ")) {
            children(c, n);
            md_want_break(c, 2);
        }
        c->plen = saved;
    } else if (is(n, "ul") || is(n, "ol")) {
        list(c, n, is(n, "ol"));
    } else if (is(n, "table")) {
        table(c, n);
    } else if (is(n, "hr")) {
        if (!c->in_cell) {
            md_want_break(c, 2);
            md_begin_content(c);
            md_puts(c, "---");
            md_want_break(c, 2);
        }
    } else if (is(n, "img")) {
        img(c, n);
    } else if (has_class(n, "scp-image-block")) {
        image_block(c, n);
    } else if (has_class(n, "collapsible-block")) {
        collapsible(c, n);
    } else if (has_class(n, "yui-navset")) {
        tabview(c, n);
    } else if (has_class(n, "footnotes-footer")) {
        for (xmlNode *k = n->children; k != NULL && !c->failed && !c->too_deep; k = k->next)
            if (!has_class(k, "title")) /* "Footnotes": the notes are numbered already */
                node(c, k);
    } else if (has_class(n, "footnote-footer")) {
        footnote(c, n);
    } else if (is(n, "sup") && has_class(n, "footnoteref")) {
        footnote_ref(c, n);
    } else if (is(n, "div") || is(n, "li") || is(n, "dd") || is(n, "dt")) {
        md_want_break(c, 2);
        children(c, n);
        md_want_break(c, 2);
    } else {
        children(c, n); /* a, span, sup, sub, code, tt, u, font, body, html... */
    }
}

static void node(struct md_out *c, xmlNode *n)
{
    if (c->depth >= SCP_HTML_MAX_DEPTH) {
        c->too_deep = true;
        return;
    }
    c->depth++;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE)
        md_text(c, (const char *)n->content);
    else if (n->type == XML_ELEMENT_NODE)
        element(c, n);
    c->depth--;
}

bool scp_html_to_markdown(const char *html, size_t len, char **out, char *why, size_t whysize)
{
    *out = NULL;
    if (len > SCP_HTML_MAX_BYTES) {
        snprintf(why, whysize, "page is %zu bytes, more than %u", len, SCP_HTML_MAX_BYTES);
        return false;
    }
    /* No network, no error output; the parser's own depth limit stays on (no HUGE).
     * Not NOIMPLIED: without the implied <body> libxml2 nests siblings in the first. */
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    struct md_out c = {.line_start = true, .max = OUT_MAX};
    if (doc != NULL) {
        for (xmlNode *k = doc->children; k != NULL && !c.failed && !c.too_deep; k = k->next)
            node(&c, k);
        xmlFreeDoc(doc);
    }
    if (c.too_deep || c.failed) {
        snprintf(why, whysize,
                 c.too_deep ? "nested deeper than %d elements"
                            : "out of memory (or more than %u bytes of text)",
                 c.too_deep ? SCP_HTML_MAX_DEPTH : OUT_MAX);
        free(c.p);
        return false;
    }
    if (c.p == NULL && (c.p = strdup("")) == NULL) {
        snprintf(why, whysize, "out of memory");
        return false;
    }
    if (c.len > 0 && c.p[c.len - 1] != '\n')
        md_put(&c, "\n", 1);
    if (c.failed) {
        free(c.p);
        snprintf(why, whysize, "out of memory");
        return false;
    }
    *out = c.p;
    return true;
}
