/*
 * fuzz_reply.c - a hostile server's reply line through the client (client/protocol.c).
 *
 * The input is one reply line as net_recv_line hands it over.  proto_parse_reply, then every
 * parser a screen or batch command uses on it (login, whoami, file, list, the three notice
 * screens, create), then the plain renderings batch prints (art/).  Checks: the envelope
 * agrees with the JSON (ok is its boolean, an error always has a code, fixed fields stay
 * NUL-terminated in bounds); proto_reply_answers accepts exactly our id, or null on an
 * error; a list holds at most PROTO_LIST_ITEMS_MAX items with 0 <= count <= total and a
 * non-negative offset; a login token fits and is the reply's; a parsed file keeps every
 * section; a failed parse leaves nothing to free.  Memory errors are ASan's.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "art/browser.h"
#include "art/denied.h"
#include "art/expunged.h"
#include "art/file_view.h"
#include "art/redacted.h"
#include "client/protocol.h"

#define OUR_ID 7

static void die(const char *what)
{
    fprintf(stderr, "fuzz_reply: %s\n", what);
    abort();
}

/* A fixed-size field is a C string inside its array. */
#define CHECK_STR(field, what)                                                                     \
    do {                                                                                           \
        if (strnlen((field), sizeof(field)) >= sizeof(field))                                      \
            die(what " is not terminated");                                                        \
    } while (0)

static void check_level(const struct art_level *l)
{
    CHECK_STR(l->name, "level name");
    CHECK_STR(l->colour, "level colour");
}

static void check_envelope(const json_t *root, const struct proto_reply *r)
{
    if (!json_is_object(root) || !json_is_boolean(json_object_get(root, "ok")))
        die("accepted a reply without a boolean ok");
    if (r->ok != json_is_true(json_object_get(root, "ok")))
        die("ok disagrees with the reply");
    CHECK_STR(r->code, "code");
    CHECK_STR(r->message, "message");
    CHECK_STR(r->screen, "screen kind");
    if (!r->ok && r->code[0] == '\0')
        die("an error without a code");
    if (r->ok && (r->code[0] || r->retry_after))
        die("a success with an error code");
    const json_t *id = json_object_get(root, "id");
    bool want = json_is_integer(id) ? json_integer_value(id) == OUR_ID : json_is_null(id) && !r->ok;
    if (proto_reply_answers(r, OUR_ID) != want)
        die("proto_reply_answers takes a reply nobody asked for, or refuses ours");
}

static void check_list(const json_t *root)
{
    struct art_list l;
    if (proto_parse_list(root, &l) != 0)
        return;
    if (l.count > PROTO_LIST_ITEMS_MAX)
        die("a list page over PROTO_LIST_ITEMS_MAX items");
    if (l.total < 0 || l.offset < 0 || l.total < (long)l.count)
        die("a list total or offset out of range");
    CHECK_STR(l.kind, "list kind");
    for (size_t i = 0; i < l.count; i++) {
        CHECK_STR(l.items[i].ref, "item ref");
        check_level(&l.items[i].classification);
        CHECK_STR(l.items[i].containment.name, "item containment");
        free(art_list_item_plain(&l.items[i]));
    }
    art_list_free(&l);
}

static void check_file(const json_t *root)
{
    struct art_file f;
    if (proto_parse_file(root, &f) != 0)
        return;
    CHECK_STR(f.ref, "file ref");
    CHECK_STR(f.kind, "file kind");
    CHECK_STR(f.status, "file status");
    if (f.ref[0] == '\0')
        die("a file without a ref");
    if (f.nsections != json_array_size(json_object_get(json_object_get(root, "file"), "sections")))
        die("a section went missing");
    for (size_t i = 0; i < f.nsections; i++) {
        const struct art_section *s = &f.sections[i];
        if (!s->redacted && s->nparts == 0)
            die("a readable section without parts");
        for (size_t j = 0; j < s->nparts; j++)
            if (!s->parts[j].redacted && s->parts[j].text == NULL)
                die("a readable part without text");
    }
    free(art_file_plain(&f, 80));
    art_file_free(&f);
}

static void check_user(const json_t *root)
{
    char token[PROTO_TOKEN_MAX];
    struct art_user u;
    struct art_login_screen screen;
    if (proto_parse_login(root, token, sizeof(token), &u, &screen) == 0) {
        const char *want = json_string_value(json_object_get(root, "token"));
        if (want == NULL || strcmp(want, token) != 0)
            die("the login token is not the reply's");
        CHECK_STR(screen.usr_name, "welcome name");
        CHECK_STR(screen.usr_clearance_level_name, "welcome clearance");
        check_level(&u.clearance);
    }
    if (proto_parse_whoami(root, &u) == 0) {
        CHECK_STR(u.name, "user name");
        CHECK_STR(u.site.ref, "user site");
    }
}

static void check_notices(const json_t *root)
{
    struct art_notice n;
    struct art_redacted_screen red;
    if (proto_parse_redacted(root, &red) == 0) {
        CHECK_STR(red.logged_at, "logged_at");
        art_redacted_notice(&red, &n);
        free(art_notice_plain(&n));
    }
    struct art_denied_screen den;
    if (proto_parse_denied(root, &den) == 0) {
        check_level(&den.needed_clearance);
        art_denied_notice(&den, &n);
        free(art_notice_plain(&n));
    }
    struct art_expunged_screen exp;
    if (proto_parse_expunged(root, &exp) == 0) {
        CHECK_STR(exp.file_ref, "expunged ref");
        art_expunged_notice(&exp, &n);
        free(art_notice_plain(&n));
    }
    char ref[ART_REF_MAX];
    if (proto_parse_created(root, ref, sizeof(ref)) == 0)
        CHECK_STR(ref, "created ref");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* net_recv_line hands over the line without its '\n', NUL-terminated. */
    char *line = malloc(size + 1);
    if (line == NULL)
        return 0;
    memcpy(line, data, size);
    line[size] = '\0';
    struct proto_reply r;
    if (proto_parse_reply(line, &r) == 0) {
        check_envelope(r.root, &r);
        check_list(r.root);
        check_file(r.root);
        check_user(r.root);
        check_notices(r.root);
        proto_reply_free(&r);
    } else if (r.root != NULL) {
        die("a refused reply left its JSON behind");
    }
    free(line);
    return 0;
}
